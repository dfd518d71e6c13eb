"""The demo: 示例品牌 / Demo Brand, a member in every role, a second workspace to switch to."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction

from socialops.accounts import actions
from socialops.accounts.models import Membership, User, Workspace
from socialops.accounts.roles import Role
from socialops.accounts.starter_kit import fill_starter_kit
from socialops.channels.demo import load_demo_channels
from socialops.contacts.demo import load_demo_contacts
from socialops.content.demo import load_demo_pillars
from socialops.content.demo_posts import load_demo_posts
from socialops.core import audit
from socialops.inbox.demo import load_demo_inbox
from socialops.listening.demo import load_demo_listening

OWNER_EMAIL = "owner@demo.socialops.local"
TEAM = [
    ("manager@demo.socialops.local", "王经理 Wang (manager)", Role.MANAGER),
    ("editor@demo.socialops.local", "李编辑 Li (editor)", Role.EDITOR),
    ("agent@demo.socialops.local", "张客服 Zhang (agent)", Role.AGENT),
    ("analyst@demo.socialops.local", "陈分析 Chen (analyst)", Role.ANALYST),
]
WORKSPACES = [
    ("demo", "示例品牌 Demo Brand", "Asia/Shanghai"),
    ("demo-global", "示例品牌·海外 Demo Brand Global", "Europe/London"),
]


def _demo_password() -> str:
    path = Path(settings.VAR_DIR) / "demo_password"
    if path.exists():
        return path.read_text().strip()
    password = "demo-" + secrets.token_urlsafe(9)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


def _user(email: str, name: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = actions.create_user(email=email, password=password, name=name, via="cli")
    return user


@transaction.atomic
def load_demo() -> list[str]:
    """Create what is missing (safe to run every start); return the lines to print."""
    password = _demo_password()
    owner = _user(OWNER_EMAIL, "示例管理员 Demo Owner", password)
    for slug, name, zone in WORKSPACES:
        if not Workspace.objects.filter(slug=slug).exists():
            actions.create_workspace(actor=owner, name=name, slug=slug, time_zone=zone, via="cli")
        fill_starter_kit(Workspace.objects.get(slug=slug), actor=owner)
    main = Workspace.objects.get(slug="demo")
    for email, name, role in TEAM:
        user = _user(email, name, password)
        membership, created = Membership.objects.get_or_create(
            workspace=main, user=user, defaults={"role": role}
        )
        if created:
            audit.record(
                action="member.added",
                workspace=main,
                via="cli",
                target=membership,
                target_label=email,
                after={"user": user.pk, "role": role},
            )
    load_demo_channels(main)
    load_demo_contacts(main)
    load_demo_pillars(main)
    load_demo_posts(main)
    load_demo_inbox(main)
    load_demo_listening(main)
    return [
        "Demo workspace 示例品牌 Demo Brand is ready at " + settings.SITE_URL + "/",
        f"  owner login: {OWNER_EMAIL}  password: {password}",
        "  the same password signs in " + ", ".join(email for email, _n, _r in TEAM),
    ]
