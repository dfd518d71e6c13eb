"""The demo workspace's account matrix on the sandbox network, with a few facade gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from socialops.accounts.models import Membership, User, Workspace
from socialops.accounts.queries import Access
from socialops.accounts.roles import Role

from . import actions
from .models import Channel


@dataclass(frozen=True)
class DemoAccount:
    handle: str
    display_name: str
    role: str
    owner_email: str
    hours: str
    profile: dict[str, str] = field(default_factory=dict)  # the sandbox's update_profile keys
    followers: int = 0


DEMO_ACCOUNTS = [
    DemoAccount(
        "demobrand",
        "示例品牌官方",
        Channel.Role.BRAND,
        "manager@demo.socialops.local",
        "10",
        {
            "avatar_url": "/static/sandbox/demobrand-logo.svg",
            "banner_url": "/static/sandbox/demobrand-banner.svg",
            "bio": "示例品牌官方账号：新品发布、品牌活动与福利第一时间在这里。",
            "website": "https://demo.socialops.local",
            "contact_email": "hello@demo.socialops.local",
            "verification": "企业认证",
        },
        52_000,
    ),
    DemoAccount(
        "demobrand_help",
        "示例品牌客服",
        Channel.Role.SUPPORT,
        "agent@demo.socialops.local",
        "20",
        {
            "avatar_url": "/static/sandbox/demobrand-logo.svg",
            "bio": "示例品牌官方客服，工作日 9:00–21:00 在线，私信必回。",
            "contact_phone": "400-820-8820",
            "verification": "企业认证",
        },
        8_000,
    ),
    DemoAccount(
        "demobrand_new",
        "示例品牌新品",
        Channel.Role.PRODUCT,
        "editor@demo.socialops.local",
        "6",
        {"avatar_url": "/static/sandbox/demobrand-new.svg", "bio": "新品"},
        3_000,
    ),
    DemoAccount("ceo_wang", "王总 CEO", Channel.Role.EXECUTIVE, "", "2", {}, 15_000),
]
COMPLEMENTS = [
    ("demobrand_help", "demobrand", "客服号接住品牌号下的咨询与投诉"),
    ("demobrand_new", "demobrand", "新品首发后由品牌号转发扩散"),
    ("ceo_wang", "demobrand", "CEO 为重大发布与危机声明背书"),
]


def _owner_access(workspace: Workspace) -> Access:
    membership = (
        Membership.objects.select_related("user", "workspace")
        .filter(workspace=workspace, role=Role.OWNER)
        .order_by("id")
        .first()
    )
    if membership is None:
        raise ValueError("the demo workspace has no owner")
    return Access(workspace=workspace, membership=membership)


def load_demo_channels(workspace: Workspace) -> list[Channel]:
    """Connect the demo matrix of sandbox accounts once; later runs change nothing."""
    from socialops.connectors.sandbox.demo import ensure_demo_world

    ensure_demo_world(workspace)
    access = _owner_access(workspace)
    live = {
        c.handle: c
        for c in Channel.objects.filter(workspace=workspace, connector="sandbox").exclude(
            status=Channel.Status.DISCONNECTED
        )
    }
    created = False
    for account in DEMO_ACCOUNTS:
        if account.handle in live:
            continue
        created = True
        channel = actions.connect_channel(
            access=access,
            connector="sandbox",
            fields={
                "display_name": account.display_name,
                "handle": account.handle,
                "followers": str(account.followers),
            },
        )
        if account.profile:
            with actions.connector_for(channel) as connector:
                connector.update_profile(account.profile)
        owner = User.objects.filter(email=account.owner_email).first() or access.user
        live[account.handle] = actions.update_matrix(
            access=access,
            channel=channel,
            role=account.role,
            owner_id=owner.pk,
            weekly_capacity_hours=account.hours,
        )
    if created:
        for handle, other, why in COMPLEMENTS:
            actions.update_matrix(
                access=access, channel=live[handle], complements={live[other].pk: why}
            )
        for channel in live.values():
            actions.refresh_profile(access=access, channel=channel)
    return list(live.values())
