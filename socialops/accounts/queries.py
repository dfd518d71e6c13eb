"""Reads and access checks for people, workspaces and tokens."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from socialops.accounts.models import ApiToken, Invitation, Membership, User, Workspace
from socialops.accounts.roles import Perm, can, permissions_of
from socialops.core import audit
from socialops.core.clock import now

if TYPE_CHECKING:
    from django.http import HttpRequest


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Access:
    """A member's standing in one workspace: what the caller may do there."""

    workspace: Workspace
    membership: Membership

    @property
    def user(self) -> User:
        return self.membership.user

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, perm: Perm) -> bool:
        return can(self.role, perm)

    @property
    def permissions(self) -> list[str]:
        return permissions_of(self.role)

    def require(self, perm: Perm, request: HttpRequest | None = None) -> None:
        """Raise PermissionDenied (and log the attempt) unless the role allows perm."""
        if not self.can(perm):
            audit.record(
                action="access.denied",
                workspace=self.workspace,
                actor=self.user,
                request=request,
                after={
                    "permission": str(perm),
                    "role": self.role,
                    "path": request.path if request else "",
                },
            )
            raise PermissionDenied(f"The {self.role} role may not {perm}.")


def workspace_access(user: User, slug: str, request: HttpRequest | None = None) -> Access:
    """The caller's access to the workspace with this slug; outsiders get 404, as for none."""
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(user=user, workspace__slug=slug)
        .first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        target = Workspace.objects.filter(slug=slug).first()
        if target is not None:
            audit.record(
                action="access.outsider",
                workspace=target,
                actor=user if user.is_authenticated else None,
                request=request,
                after={"path": request.path if request else ""},
            )
        raise Http404("No such workspace.")
    return Access(workspace=membership.workspace, membership=membership)


def token_access(token: ApiToken) -> Access | None:
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(user_id=token.user_id, workspace_id=token.workspace_id)
        .first()
    )
    if membership is None:
        return None
    return Access(workspace=membership.workspace, membership=membership)


def active_token(raw: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(token_hash=hash_secret(raw))
        .first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    return token


def user_memberships(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")
    )


def workspace_members(workspace: Workspace) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace=workspace).select_related("user")


def member(workspace: Workspace, membership_id: int) -> Membership:
    found = workspace_members(workspace).filter(pk=membership_id).first()
    if found is None:
        raise Http404("No such member.")
    return found


def workspace_invitations(workspace: Workspace) -> QuerySet[Invitation]:
    return Invitation.objects.filter(workspace=workspace).select_related("invited_by")


def invitation(workspace: Workspace, invitation_id: int) -> Invitation:
    found = workspace_invitations(workspace).filter(pk=invitation_id).first()
    if found is None:
        raise Http404("No such invitation.")
    return found


def invitation_by_token(raw: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token_hash=hash_secret(raw))
        .first()
    )


def user_tokens(access: Access) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(workspace=access.workspace, user=access.user)


def user_token(access: Access, token_id: int) -> ApiToken:
    found = user_tokens(access).filter(pk=token_id).first()
    if found is None:
        raise Http404("No such token.")
    return found


def pending_invitations(workspace: Workspace) -> QuerySet[Invitation]:
    return workspace_invitations(workspace).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now()
    )
