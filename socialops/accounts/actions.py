"""Every write to people, workspaces, invitations and tokens: one transaction, one audit row."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from socialops.accounts.models import (
    INVITATION_LIFETIME,
    ApiToken,
    Invitation,
    Membership,
    User,
    Workspace,
)
from socialops.accounts.queries import Access, hash_secret
from socialops.accounts.roles import Perm, Role
from socialops.accounts.starter_kit import fill_starter_kit
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now

if TYPE_CHECKING:
    from django.http import HttpRequest

TOKEN_PREFIX = "so_"  # noqa: S105 - a public marker, not a secret
WORKSPACE_FIELDS = ["name", "slug", "time_zone"]
MEMBER_FIELDS = ["user", "role"]


def _unique_slug(name: str, wanted: str = "") -> str:
    base = slugify(wanted or name)[:40] or "w"
    if base == "w" or Workspace.objects.filter(slug=base).exists():
        for _attempt in range(20):
            candidate = f"{base}-{secrets.token_hex(3)}"
            if not Workspace.objects.filter(slug=candidate).exists():
                return candidate
    return base


@transaction.atomic
def create_user(
    *,
    email: str,
    password: str,
    name: str = "",
    language: str = "zh-hans",
    request: HttpRequest | None = None,
    via: str | None = None,
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": _("A user with this email already exists.")})
    user = User.objects.create_user(email, password, name=name, language=language)
    audit.record(
        action="user.created",
        actor=user,
        request=request,
        via=via,
        target=user,
        after=snapshot(user, ["email", "name", "language"]),
    )
    return user


@transaction.atomic
def create_workspace(
    *,
    actor: User,
    name: str,
    slug: str = "",
    time_zone: str = "",
    request: HttpRequest | None = None,
    via: str | None = None,
    starter_kit: bool = False,
) -> Workspace:
    """A new workspace owned by ``actor``; with ``starter_kit``, the apps' first drafts too."""
    if slug and Workspace.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("This short name is taken.")})
    workspace = Workspace(name=name.strip(), slug=slug or _unique_slug(name))
    if time_zone:
        workspace.time_zone = time_zone
    workspace.full_clean()
    workspace.save()
    Membership.objects.create(workspace=workspace, user=actor, role=Role.OWNER)
    audit.record(
        action="workspace.created",
        workspace=workspace,
        actor=actor,
        request=request,
        via=via,
        target=workspace,
        after=snapshot(workspace, WORKSPACE_FIELDS),
    )
    if starter_kit:
        fill_starter_kit(workspace, actor=actor)
    return workspace


@transaction.atomic
def update_workspace(
    *,
    access: Access,
    name: str | None = None,
    time_zone: str | None = None,
    request: HttpRequest | None = None,
) -> Workspace:
    access.require(Perm.WORKSPACE_MANAGE, request)
    workspace = Workspace.objects.select_for_update().get(pk=access.workspace.pk)
    before = snapshot(workspace, WORKSPACE_FIELDS)
    if name is not None:
        workspace.name = name.strip()
    if time_zone is not None:
        workspace.time_zone = time_zone
    workspace.full_clean()
    workspace.save(update_fields=["name", "time_zone"])
    after = snapshot(workspace, WORKSPACE_FIELDS)
    if after != before:
        audit.record(
            action="workspace.updated",
            workspace=workspace,
            actor=access.user,
            request=request,
            target=workspace,
            before=before,
            after=after,
        )
    return workspace


def _check_role_change(access: Access, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.OWNER:
        access.require(Perm.OWNERS_MANAGE)


@transaction.atomic
def invite_member(
    *, access: Access, email: str, role: str, request: HttpRequest | None = None
) -> tuple[Invitation, str]:
    """Create an invitation; returns it with the raw token, which is shown once."""
    access.require(Perm.MEMBERS_MANAGE, request)
    _check_role_change(access, role)
    email = email.strip().lower()
    if Membership.objects.filter(workspace=access.workspace, user__email=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=access.workspace,
        email=email,
        role=role,
        token_hash=hash_secret(raw),
        invited_by=access.user,
        expires_at=now() + INVITATION_LIFETIME,
    )
    audit.record(
        action="invitation.created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=invitation,
        after=snapshot(invitation, ["email", "role"]),
    )
    return invitation, raw


@transaction.atomic
def revoke_invitation(
    *, access: Access, invitation: Invitation, request: HttpRequest | None = None
) -> Invitation:
    access.require(Perm.MEMBERS_MANAGE, request)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError({"invitation": _("Only a pending invitation can be revoked.")})
    invitation.revoked_at = now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        action="invitation.revoked",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=invitation,
        before={"status": "pending"},
        after={"status": "revoked"},
    )
    return invitation


@transaction.atomic
def accept_invitation(
    *, invitation: Invitation, user: User, request: HttpRequest | None = None
) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(
            {
                "invitation": _("This invitation is no longer valid (%(status)s).")
                % {"status": Invitation.Status(invitation.status).label}
            }
        )
    membership, created = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        action="invitation.accepted",
        workspace=invitation.workspace,
        actor=user,
        request=request,
        target=invitation,
        after={"role": membership.role, "new": created},
    )
    return membership


@transaction.atomic
def sign_up_by_invitation(
    *,
    invitation: Invitation,
    password: str,
    name: str,
    language: str,
    request: HttpRequest | None = None,
) -> Membership:
    """Create the invited person's account and membership together, or neither."""
    user = create_user(
        email=invitation.email, password=password, name=name, language=language, request=request
    )
    return accept_invitation(invitation=invitation, user=user, request=request)


def _owner_count(workspace: Workspace) -> int:
    return Membership.objects.filter(workspace=workspace, role=Role.OWNER).count()


@transaction.atomic
def change_member_role(
    *, access: Access, membership: Membership, role: str, request: HttpRequest | None = None
) -> Membership:
    access.require(Perm.MEMBERS_MANAGE, request)
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .get(pk=membership.pk, workspace=access.workspace)
    )
    _check_role_change(access, role)
    if membership.role == Role.OWNER:
        access.require(Perm.OWNERS_MANAGE)
    if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(access.workspace) == 1:
        raise ValidationError({"role": _("A workspace needs at least one owner.")})
    before = snapshot(membership, MEMBER_FIELDS)
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        action="member.role_changed",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=membership,
        target_label=membership.user.email,
        before=before,
        after=snapshot(membership, MEMBER_FIELDS),
    )
    return membership


@transaction.atomic
def remove_member(
    *, access: Access, membership: Membership, request: HttpRequest | None = None
) -> None:
    if membership.user_id != access.user.pk:
        access.require(Perm.MEMBERS_MANAGE, request)
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .get(pk=membership.pk, workspace=access.workspace)
    )
    if membership.role == Role.OWNER and membership.user_id != access.user.pk:
        access.require(Perm.OWNERS_MANAGE)
    if membership.role == Role.OWNER and _owner_count(access.workspace) == 1:
        raise ValidationError({"member": _("A workspace needs at least one owner.")})
    before = snapshot(membership, MEMBER_FIELDS)
    ApiToken.objects.filter(
        workspace=access.workspace, user=membership.user, revoked_at__isnull=True
    ).update(revoked_at=now())
    audit.record(
        action="member.removed",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=membership,
        target_label=membership.user.email,
        before=before,
    )
    membership.delete()


@transaction.atomic
def create_api_token(
    *,
    access: Access,
    name: str,
    expires_in_days: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Create a personal token; returns it with the raw value, which is shown once."""
    access.require(Perm.TOKENS_OWN, request)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ValidationError({"expires_in_days": _("Choose between 1 and 3650 days.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace=access.workspace,
        user=access.user,
        name=name[:100],
        prefix=raw[:10],
        token_hash=hash_secret(raw),
        expires_at=now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    audit.record(
        action="token.created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=token,
        after=snapshot(token, ["name", "prefix", "expires_at"]),
    )
    return token, raw


@transaction.atomic
def revoke_api_token(
    *, access: Access, token: ApiToken, request: HttpRequest | None = None
) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk, user=access.user)
    if token.revoked_at is None:
        token.revoked_at = now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            action="token.revoked",
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=token,
            before={"revoked_at": None},
            after=snapshot(token, ["revoked_at"]),
        )
    return token


@transaction.atomic
def update_profile(
    *,
    user: User,
    name: str | None = None,
    language: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    before = snapshot(user, ["name", "language"])
    if name is not None:
        user.name = name.strip()[:100]
    if language is not None:
        user.language = language
    user.full_clean(exclude=["password", "email", "last_workspace"])
    user.save(update_fields=["name", "language"])
    after = snapshot(user, ["name", "language"])
    if after != before:
        audit.record(
            action="user.profile_updated",
            actor=user,
            request=request,
            target=user,
            before=before,
            after=after,
        )
    return user


def remember_workspace(*, user: User, workspace: Workspace) -> None:
    """Where to land next time; navigation state, not an audited change."""
    if user.last_workspace_id != workspace.pk:
        user.last_workspace = workspace
        user.save(update_fields=["last_workspace"])
