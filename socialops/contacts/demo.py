"""The demo workspace's interaction database: contacts who are personas of its sandbox world.

Their identities match the demo world's personas (connectors/sandbox/demo.py: seed 88002024),
so the demo inbox links those authors to contacts and the engagement queue finds their posts.
Call it after the demo channels (and world) exist; repeating it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialops.accounts.models import Membership, Workspace
from socialops.accounts.queries import Access
from socialops.accounts.roles import Role

from . import actions
from .models import Contact, Identity


@dataclass(frozen=True)
class DemoContact:
    handle: str  # the persona's handle in the demo world
    name: str
    kind: str
    importance: int
    organisation: str = ""
    tags: tuple[str, ...] = ()
    notes: str = ""


DEMO_CONTACTS = [
    DemoContact(
        "wb016_6199", "刘超晨", Contact.Kind.EXPERT, 2, "影像科技评论", ("数码", "摄影"),
        "常写数码与影像评测，观点犀利，适合邀请参加新品评测。",
    ),
    DemoContact(
        "wb024_5519", "林艳", Contact.Kind.MEDIA, 3, "数码周刊", ("科技", "新品"),
        "跑科技线的记者，新品发布会必邀。",
    ),
    DemoContact("wb110_4415", "袁鹏", Contact.Kind.KOL, 2, "", ("时尚", "旅行")),
    DemoContact(
        "wb028_3771", "徐玉", Contact.Kind.COMPETITOR, 1, "竞品甲", ("竞品",),
        "竞品甲市场部，常发对比帖。",
    ),
    DemoContact("wb145_5061", "胡华刚", Contact.Kind.FAN, 2, "", ("母婴", "美食")),
    DemoContact("wb111_7987", "爱吃火锅的学长", Contact.Kind.FAN, 1, "", ("摄影",)),
    DemoContact("wb142_7125", "赵欣勇", Contact.Kind.FAN, 1, "", ("电影",)),
    DemoContact("wb061_5030", "热爱跑步的程序员", Contact.Kind.CUSTOMER, 1, "", ("老客户",)),
]  # fmt: skip


def load_demo_contacts(workspace: Workspace) -> list[Contact]:
    """Create the demo contacts once (by their sandbox identity), then fill the engagement
    queue from the demo world's public posts; later runs add only posts that are new."""
    from socialops.connectors.sandbox.models import Account, AccountKind, World

    owner = (
        Membership.objects.select_related("user", "workspace")
        .filter(workspace=workspace, role=Role.OWNER)
        .order_by("id")
        .first()
    )
    if owner is None:
        raise ValueError("the demo workspace has no owner")
    access = Access(workspace=workspace, membership=owner)
    world = World.objects.filter(workspace=workspace).first()
    numbers = (
        dict(
            Account.objects.filter(world=world, kind=AccountKind.PERSONA).values_list(
                "handle", "number"
            )
        )
        if world
        else {}
    )
    made = []
    for demo in DEMO_CONTACTS:
        existing = Identity.objects.filter(
            workspace=workspace, platform="sandbox", handle__iexact=demo.handle
        ).first()
        if existing is not None:
            made.append(existing.contact)
            continue
        number = numbers.get(demo.handle)
        made.append(
            actions.create_contact(
                access=access,
                name=demo.name,
                kind=demo.kind,
                importance=demo.importance,
                organisation=demo.organisation,
                tags=list(demo.tags),
                notes=demo.notes,
                identities=[
                    {
                        "platform": "sandbox",
                        "handle": demo.handle,
                        "remote_id": str(number) if number else "",
                        "url": f"https://sandbox.socialops.local/{demo.handle}",
                    }
                ],
            )
        )
    from .engagement import discover

    discover(workspace)
    return made
