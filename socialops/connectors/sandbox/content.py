"""What the simulated audience is like and what it says: personas, lexicons, text templates."""

from __future__ import annotations

import random
from dataclasses import dataclass

# What our posts are about decides how the audience reacts.
CONTROVERSIAL_TERMS = (
    "涨价", "裁员", "召回", "道歉", "故障", "延迟", "延期", "投诉", "争议", "停产", "下架", "事故",
    "price increase", "layoff", "recall", "apolog", "outage", "delay", "sorry", "shutdown",
)  # fmt: skip
GIVEAWAY_TERMS = (
    "抽奖", "转发抽", "福利", "送出", "免费送", "giveaway", "win a", "free gift", "抽",
)  # fmt: skip
PRODUCT_TERMS = (
    "新品", "发布", "上市", "预售", "首发", "开售", "新款", "上新", "launch", "new product",
    "pre-order", "available now", "release", "introducing",
)  # fmt: skip

# Share of each reaction per topic: (positive, neutral, negative, question, purchase).
REACTIONS = ("positive", "neutral", "negative", "question", "purchase")
REACTION_MIX = {
    "general": (0.45, 0.33, 0.10, 0.12, 0.0),
    "product": (0.30, 0.15, 0.08, 0.27, 0.20),
    "giveaway": (0.35, 0.55, 0.03, 0.05, 0.02),
    "controversial": (0.08, 0.17, 0.60, 0.15, 0.0),
}
SENTIMENT_OF = {
    "positive": "positive",
    "neutral": "neutral",
    "negative": "negative",
    "question": "neutral",
    "purchase": "positive",
}
INTENT_OF = {
    "positive": "praise",
    "neutral": "",
    "negative": "complaint",
    "question": "question",
    "purchase": "purchase_intent",
}


def topic_of(text: str) -> str:
    """What a post is about, for the audience: controversial beats giveaway beats product."""
    lowered = text.lower()
    for topic, terms in (
        ("controversial", CONTROVERSIAL_TERMS),
        ("giveaway", GIVEAWAY_TERMS),
        ("product", PRODUCT_TERMS),
    ):
        if any(term in lowered for term in terms):
            return topic
    return "general"


COMMENTS = {
    "zh": {
        "positive": ["太棒了！", "支持支持👍", "一直在用，很满意", "好喜欢这个设计", "赞！期待更多",
                     "这个真的可以", "官方用心了"],
        "neutral": ["来了", "路过看看", "哦哦", "收到", "第一！", "mark一下", "转发了"],
        "negative": ["又出问题了，能不能靠谱点", "客服一直不回复，太失望了", "质量越来越差",
                     "这就是你们的态度？", "说好的呢？退款！", "已经投诉了"],
        "question": ["请问什么时候发货？", "这个多少钱？", "哪里可以买到？", "支持退换吗？",
                     "有没有学生优惠？", "和上一代有什么区别？"],
        "purchase": ["已下单！", "求链接，想买", "马上入手", "钱包准备好了", "怎么预订？"],
    },
    "en": {
        "positive": ["Love this!", "Great job 👏", "Been using it for months, very happy",
                     "This looks amazing", "Can't wait!"],
        "neutral": ["Interesting", "ok", "Noted", "First!", "Sharing this"],
        "negative": ["Still broken, really disappointed", "Support never answers me",
                     "Quality keeps getting worse", "Is this a joke?", "I want a refund"],
        "question": ["When does it ship?", "How much is it?", "Where can I buy it?",
                     "Does it ship internationally?", "What changed from the last version?"],
        "purchase": ["Just ordered one!", "Link please, I want it", "Take my money",
                     "How do I pre-order?"],
    },
}  # fmt: skip
BOT_COMMENTS = {
    "zh": ["转发抽奖，求中！", "我要我要我要", "好运来好运来", "中奖中奖", "@抽奖小助手 接好运"],
    "en": ["Entered! 🍀", "Pick me pick me", "win win win", "Good luck everyone"],
}
DMS = {
    "zh": {
        "question": ["你好，我想问一下订单什么时候发货？", "请问能开发票吗？", "怎么联系售后？"],
        "negative": ["收到的东西是坏的，怎么处理？", "等了两周还没到，请给个说法", "要求退款"],
        "purchase": ["想批量采购，有企业价吗？", "请问新品在哪里可以预订？"],
        "positive": ["谢谢你们的客服，问题解决了！", "产品很好用，给你们点赞"],
    },
    "en": {
        "question": ["Hi, when will my order ship?", "Can I get an invoice?",
                     "How do I reach after-sales support?"],
        "negative": ["My package arrived broken, what now?",
                     "Two weeks and nothing. Refund please"],
        "purchase": ["Do you offer bulk pricing?", "Where can I pre-order the new one?"],
        "positive": ["Thanks for the help, all sorted!", "Great product, well done"],
    },
}  # fmt: skip
FOLLOW_UPS = {
    "zh": {
        "negative": ["还是没解决，请尽快处理", "好吧，等你们消息", "希望这次是真的"],
        "other": ["谢谢回复！", "好的，明白了", "收到，谢谢👍"],
    },
    "en": {
        "negative": ["Still not fixed, please hurry", "Fine, waiting for your update"],
        "other": ["Thanks for the reply!", "Got it, thanks", "Great, thank you 👍"],
    },
}
PUBLIC_POSTS = {
    "zh": {
        "positive": ["今天入手了{brand}，体验真不错", "{brand}的客服态度很好，点赞",
                     "对比了{competitor}，还是{brand}更适合我"],
        "neutral": ["有人用过{brand}吗？求推荐", "{competitor}和{brand}怎么选？",
                    "看到{brand}出新品了"],
        "negative": ["{brand}的售后太差了，再也不买了", "{brand}又涨价了？？",
                     "{competitor}比{brand}靠谱多了"],
        "interest": ["周末去{interest}，心情很好", "最近迷上了{interest}",
                     "分享一下我的{interest}日常"],
    },
    "en": {
        "positive": ["Just got my {brand}, really impressed", "{brand} support was great today",
                     "Switched from {competitor} to {brand}, no regrets"],
        "neutral": ["Anyone tried {brand}?", "{brand} or {competitor}, which one?",
                    "Saw {brand} has something new"],
        "negative": ["{brand} support is terrible", "Why is {brand} so expensive now?",
                     "{competitor} beats {brand} on every count"],
        "interest": ["Weekend of {interest}", "Can't stop thinking about {interest}",
                     "My {interest} diary, day 12"],
    },
}  # fmt: skip
MENTION_TEMPLATES = {
    "zh": ["@{handle} 请问{brand}的门店在哪？", "@{handle} 你们的新品什么时候出？",
           "@{handle} 投诉！订单一直没发货", "@{handle} 太喜欢你们了"],
    "en": ["@{handle} where can I find {brand} in store?", "@{handle} when is the new one out?",
           "@{handle} my order still hasn't shipped", "@{handle} you folks rock"],
}  # fmt: skip

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉晨宇欣怡子轩浩然"
NICK_PREFIX = ["爱吃火锅的", "不想上班的", "努力搬砖的", "喜欢旅行的", "深夜追剧的", "认真生活的",
               "热爱跑步的", "数码控", "奶茶续命的", "早睡早起的"]  # fmt: skip
NICK_NOUN = ["小王", "阿杰", "猫咪", "大叔", "少女", "小胖", "学长", "程序员", "设计师", "宝妈"]
EN_FIRST = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Chloe", "Leo",
            "Grace", "Ryan", "Ivy", "Jack", "Zoe", "Owen", "Ruby", "Max", "Lily",
            "Sam"]  # fmt: skip
EN_LAST = ["Smith", "Chen", "Wong", "Lee", "Brown", "Taylor", "Lin", "Clark", "Nguyen", "Walker"]
INTERESTS = {
    "zh": ["科技", "数码", "美食", "旅行", "健身", "时尚", "母婴", "游戏", "汽车", "财经", "摄影",
           "电影"],
    "en": ["tech", "gadgets", "food", "travel", "fitness", "fashion", "gaming", "cars", "finance",
           "photography", "movies"],
}  # fmt: skip
CITIES = {
    "zh": ["北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "西安", "南京", "重庆"],
    "en": ["Singapore", "London", "Sydney", "Vancouver", "Hong Kong", "San Francisco"],
}


@dataclass(frozen=True)
class PersonaSpec:
    handle: str
    display_name: str
    lang: str
    bio: str
    interests: list[str]
    location: str
    activity: float
    disposition: float
    botness: float


def make_persona(rng: random.Random, index: int) -> PersonaSpec:
    """One believable audience member; about 8% are bots (for lucky-draw filtering)."""
    lang = "zh" if rng.random() < 0.72 else "en"
    is_bot = rng.random() < 0.08
    interests = rng.sample(INTERESTS[lang], 2 if rng.random() < 0.6 else 3)
    location = rng.choice(CITIES[lang])
    if is_bot:
        digits = rng.randrange(10**7, 10**8)
        handle = f"user{digits}{index:03d}"
        return PersonaSpec(
            handle=handle,
            display_name=f"用户{digits}" if lang == "zh" else handle,
            lang=lang,
            bio="",
            interests=["抽奖"] if lang == "zh" else ["giveaways"],
            location="",
            activity=round(rng.uniform(0.7, 1.0), 3),
            disposition=0.0,
            botness=round(rng.uniform(0.7, 0.99), 3),
        )
    if lang == "zh":
        if rng.random() < 0.5:
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        else:
            name = rng.choice(NICK_PREFIX) + rng.choice(NICK_NOUN)
        handle = f"wb{index:03d}_{rng.randrange(1000, 9999)}"
        bio = f"{location}｜喜欢{'、'.join(interests)}"
    else:
        first, last = rng.choice(EN_FIRST), rng.choice(EN_LAST)
        name = f"{first} {last}"
        handle = f"{first.lower()}_{last.lower()}{index:03d}"
        bio = f"{location} · into {', '.join(interests)}"
    return PersonaSpec(
        handle=handle,
        display_name=name,
        lang=lang,
        bio=bio,
        interests=interests,
        location=location,
        activity=round(min(1.0, rng.lognormvariate(-1.3, 0.6)), 3),
        disposition=round(max(-1.0, min(1.0, rng.gauss(0.15, 0.4))), 3),
        botness=round(rng.betavariate(1.2, 12), 3),
    )


def pick_reaction(rng: random.Random, topic: str, disposition: float) -> str:
    """A reaction drawn from the topic's mix, tilted by the persona's disposition."""
    weights = list(REACTION_MIX[topic])
    weights[0] *= 1 + disposition
    weights[2] *= 1 - disposition
    return rng.choices(REACTIONS, weights=weights)[0]
