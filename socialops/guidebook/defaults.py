"""The draft guidebook a new workspace starts from: what a real 新媒体 team's handbook says.

It is data, written in Chinese (the team edits it in its own words); the UI around it is
translated as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Section


@dataclass(frozen=True)
class DefaultSection:
    key: str
    title: str
    body: str


@dataclass(frozen=True)
class DefaultCanned:
    title: str
    body: str
    shortcut: str
    kinds: list[str] = field(default_factory=list)
    purpose: str = ""


@dataclass(frozen=True)
class DefaultRule:
    name: str
    kind: str
    params: dict[str, Any]
    severity: str = "error"
    reply_kinds: list[str] = field(default_factory=list)


SECTIONS = [
    DefaultSection(
        Section.LANGUAGE,
        "语言规范",
        """我们代表品牌说话：真诚、友好、专业，像一位靠谱的朋友，而不是一台客服机器。

- 称呼用户用“您”，开头可以带上对方的昵称，结尾署名客服名字，例如“——小安”。
- 先回应情绪，再解决问题：“让您久等了，非常抱歉”比“请提供订单号”更先说。
- 用简单的话说清楚：一句话只讲一件事，避免行业术语和内部缩写。
- 表情和网络用语适度使用：日常互动可以活泼，投诉和售后场景保持克制，不用调侃语气。
- 不说“不知道”“不归我们管”，可以说“我帮您确认一下，稍后回复您”。
- 不做无法兑现的承诺：赔偿、退款、上线时间等，须与负责同事确认后再答复。
- 回复前通读一遍：错别字、称呼、数字（金额、日期、订单号）要准确。""",
    ),
    DefaultSection(
        Section.FORBIDDEN,
        "互动禁区",
        """以下话题和做法一律不碰，拿不准的先问主管：

- 政治、宗教、民族、地域等敏感话题，不评论、不站队、不转发。
- 不攻击、不贬低竞争对手，不参与“撕”和“对线”。
- 不与用户争吵，不使用任何侮辱、讽刺或带情绪的字眼；遇到辱骂先冷处理，必要时上报。
- 不在公开评论里透露用户的手机号、地址、订单详情等个人信息；需要核实时转私信。
- 不使用“最”“第一”“国家级”“100%有效”等广告法禁用的绝对化用语。
- 不对未公开的产品、价格、活动、人事做任何透露或猜测。
- 涉及安全事故、质量问题、媒体采访的内容，按危机流程上报，不自行回应。

系统会按“回复规则”自动检查回复，违反“错误”级规则的回复无法发送。""",
    ),
    DefaultSection(
        Section.DM,
        "私信原则",
        """私信是一对一的服务，也是品牌信任的延伸：

- 投诉、售后、涉及个人信息的问题，先在公开评论礼貌回应，再邀请对方私信继续（“转私信”）。
- 私信第一句要问候并自报身份：“您好，我是××官方客服小安”。
- 只索取解决问题必需的信息（如订单号），不索要身份证号、密码、验证码。
- 不主动群发营销私信；用户未同意前不推送广告。
- 说好“稍后回复”的，一定在约定时间内跟进，哪怕只是告知进度。
- 问题解决后礼貌结束：确认对方没有其他问题，再把会话标记为已解决。""",
    ),
    DefaultSection(
        Section.REPOST_COMMENT,
        "转发评论规则",
        """- 转发前确认信息来源可靠，不转发未经证实的消息、谣言和营销号内容。
- 转发用户内容（晒单、好评、作品）前尽量征得同意，并注明原作者。
- 转发时配一句自己的话，说明为什么转发，不做无评论的“机械转发”。
- 评论区优先回复：提问 > 投诉 > 建议 > 夸奖；同类问题可以置顶一条统一答复。
- 不删除正常的批评和差评；只处理广告、辱骂、泄露隐私等违规内容，删除前截图留档。
- 热点借势要和品牌相关，灾难、事故等负面事件不借势、不玩梗。""",
    ),
    DefaultSection(
        Section.FOLLOW,
        "关注规则",
        """- 官方账号只关注：合作伙伴、行业媒体与专家、公司及旗下账号、长期支持我们的核心粉丝。
- 不关注竞争对手的员工个人号，不关注有争议或敏感内容的账号。
- 不“互关换粉”，不批量关注/取关。
- 关注新账号前在“互动资料库”里查一下是否已有记录，关注后补充备注。
- 每季度整理一次关注列表，取关已停更或不再合作的账号。""",
    ),
    DefaultSection(
        Section.RESPONSE_TIME,
        "响应时效",
        """回复速度就是服务态度。具体的响应时效目标（首次响应、再次响应、解决时长）以“响应时效”页面的设置为准，以下是日常要求：

- 工作时间内，私信和投诉类评论优先处理，尽量当天解决。
- 暂时无法解决的，先回复“已收到、正在处理”，并告知预计答复时间。
- 等待用户补充信息时，把会话标记为“待回复”，计时会暂停。
- 临近超时的会话会提醒负责人和主管；超时后由主管跟进。""",
    ),
]

CANNED = [
    DefaultCanned(
        "感谢支持",
        "感谢{昵称}的支持和喜欢！我们会继续努力，有任何想法欢迎随时告诉我们～",
        "thanks",
        ["comment", "mention"],
    ),
    DefaultCanned(
        "致歉并转私信",
        "{昵称}您好，非常抱歉给您带来不好的体验！为了保护您的隐私，麻烦您私信我们，"
        "我们会第一时间为您核实处理。",
        "dm",
        ["comment", "mention"],
        purpose="dm_invite",
    ),
    DefaultCanned(
        "私信问候",
        "您好，我是{账号}的客服{客服}，很高兴为您服务。请问有什么可以帮您？",
        "hi",
        ["dm"],
    ),
    DefaultCanned(
        "订单查询",
        "您好，请提供一下您的订单号，我们马上为您查询物流和处理进度。",
        "order",
        ["dm"],
    ),
    DefaultCanned(
        "订单处理中",
        "您好，您的订单 {订单号} 我们已经查到，正在加急处理，"
        "预计 24 小时内给您答复，请您耐心等待。",
        "processing",
        ["dm"],
    ),
    DefaultCanned(
        "已收到反馈",
        "感谢您的反馈，我们已经记录并转给相关同事，有进展会第一时间告诉您。",
        "noted",
    ),
    DefaultCanned(
        "问题已解决",
        "问题已经为您处理好啦，请您确认一下。如果还有其他问题，随时联系我们。祝您生活愉快！",
        "done",
        ["dm"],
    ),
]

RULES = [
    DefaultRule(
        "互动禁区：不文明用语",
        "forbidden_words",
        {
            "words": [
                {"word": word, "pinyin": False, "replacement": ""}
                for word in ["傻逼", "白痴", "脑残", "神经病", "有病吧"]
            ]
        },
    ),
    DefaultRule(
        "广告法绝对化用语",
        "forbidden_words",
        {
            "words": [
                {"word": word, "pinyin": False, "replacement": ""}
                for word in ["全网最低", "全网第一", "史上最", "国家级", "100%有效", "绝对有效"]
            ]
        },
        severity="warning",
    ),
    DefaultRule(
        "公开回复不留手机号",
        "custom",
        {
            "pattern": r"(?<!\d)1[3-9]\d{9}(?!\d)",
            "message": "公开回复里不要出现手机号：请转私信沟通。",
            "ignore_case": False,
        },
        reply_kinds=["comment", "mention"],
    ),
]
