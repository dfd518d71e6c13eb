"""The demo workspace's content: a rule set, topics, and posts in every state of the review flow.

Posts "due now" are published by the worker a moment after `make run` starts, through the real
publishing engine and the sandbox connector, so the demo's numbers are the sandbox's own.
"""

from __future__ import annotations

from datetime import timedelta

from socialops.accounts.models import Membership, Workspace
from socialops.accounts.queries import Access
from socialops.accounts.roles import Role
from socialops.campaigns.models import Topic
from socialops.channels.models import Channel
from socialops.core.clock import now

from . import actions
from .models import ContentPillar, EditorialRule, Post

# Words China's Advertising Law (广告法 art. 9) forbids in ads, and a competitor's name.
DEMO_RULES = [
    (
        "广告法极限词",
        EditorialRule.Kind.FORBIDDEN_WORDS,
        {
            "words": [
                {"word": "最好", "replacement": "很好"},
                {"word": "第一", "replacement": "领先"},
                {"word": "国家级", "replacement": ""},
            ]
        },
    ),
    ("广告需标注", EditorialRule.Kind.REQUIRED_DISCLOSURE, {"any_of": ["广告", "#广告#"]}),
]
DEMO_TOPICS = ["双十一", "新品发布", "示例品牌"]


def _access(workspace: Workspace, role: str) -> Access:
    membership = (
        Membership.objects.select_related("user", "workspace")
        .filter(workspace=workspace, role=role)
        .order_by("id")
        .first()
    )
    if membership is None:
        raise ValueError(f"the demo workspace has no {role}")
    return Access(workspace=workspace, membership=membership)


def load_demo_posts(workspace: Workspace) -> int:
    """Rules, topics and posts for a workspace that has no posts yet; how many posts were made."""
    if Post.objects.filter(workspace=workspace).exists():
        return 0
    manager, editor = _access(workspace, Role.MANAGER), _access(workspace, Role.EDITOR)
    for name, kind, params in DEMO_RULES:
        if not EditorialRule.objects.filter(workspace=workspace, name=name).exists():
            actions.create_rule(access=manager, kind=kind, params=params, name=name)
    topics = {
        name: Topic.objects.get_or_create(workspace=workspace, name=name)[0] for name in DEMO_TOPICS
    }
    pillars = {p.name: p for p in ContentPillar.objects.filter(workspace=workspace)}
    accounts = {
        c.handle: c
        for c in Channel.objects.filter(workspace=workspace, connector="sandbox").exclude(
            status=Channel.Status.DISCONNECTED
        )
    }
    brand, new = accounts.get("demobrand"), accounts.get("demobrand_new")
    if brand is None or new is None:
        return 0

    def post(body: str, pillar: str, *channels: Channel, **kw: object) -> Post:
        return actions.create_post(
            access=editor,
            channel_ids=[c.pk for c in channels],
            body=body,
            pillar_id=pillars[pillar].pk if pillar in pillars else None,
            via="cli",
            **kw,  # type: ignore[arg-type]
        )

    made = [
        post("冬季新品配色征集：你最想要哪种颜色？", "用户兴趣", brand, state=Post.State.IDEA),
        post("行业观察：2026 年智能家居的三个趋势", "行业", brand, state=Post.State.IDEA),
        post(
            "使用小技巧：三步清洁你的示例净化器滤网。",
            "产品周边",
            brand,
            new,
            title="滤网清洁技巧",
        ),
    ]
    start = now().replace(minute=0, second=0, microsecond=0)
    review = post(
        "示例品牌冬季新品今晚 20:00 开售，前 100 名下单送限量礼盒！",
        "活动",
        brand,
        new,
        title="冬季新品开售",
        topic_ids=[topics["新品发布"].pk],
        scheduled_at=start + timedelta(days=1, hours=12),
    )
    actions.submit_post(access=editor, post=review)
    made.append(review)
    for days, body, pillar in [
        (2, "品牌故事：示例品牌的首家门店是怎样开起来的？", "公司与产品"),
        (3, "周末生活方式：和家人一起的慢早餐。", "生活方式"),
    ]:
        scheduled = post(body, pillar, brand, scheduled_at=start + timedelta(days=days, hours=2))
        actions.submit_post(access=editor, post=scheduled)
        actions.approve_post(access=manager, post=scheduled)
        made.append(scheduled)
    for body, pillar, channels in [
        ("示例净化器 2 代正式发布：更安静，更省电。", "公司与产品", (brand, new)),
        ("感谢大家对双十一活动的支持，中奖名单见评论区。", "活动", (brand,)),
        ("新品上手体验：一周使用报告。", "产品周边", (new,)),
    ]:
        published = post(body, pillar, *channels)
        actions.submit_post(access=editor, post=published)
        actions.approve_post(access=manager, post=published)
        actions.schedule_post(access=manager, post=published, at=now())
        made.append(published)
    return len(made)
