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
        """Raise AccessDenied unless the role allows perm.

        The attempt is logged where the 403 is answered (AccessDenied.record, called by the API's
        403 handler and AccessDeniedAuditMiddleware), not here: a check inside an action's
        transaction would roll its own audit row back. `request` stays for the callers.
        """
        if not self.can(perm):
            raise AccessDenied(self, perm)


class AccessDenied(PermissionDenied):
    """A member's role lacks a permission; record() logs the attempt as access.denied."""

    def __init__(self, access: Access, perm: Perm) -> None:
        super().__init__(f"The {access.role} role may not {perm}.")
        self.access = access
        self.perm = perm

    def record(self, request: HttpRequest | None) -> None:
        audit.record(
            action="access.denied",
            workspace=self.access.workspace,
            actor=self.access.user,
            request=request,
            after={
                "permission": str(self.perm),
                "role": self.access.role,
                "path": request.path if request else "",
            },
        )


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


def token_and_access(raw: str) -> tuple[ApiToken | None, Access | None]:
    """The active token for a raw secret and its member's access (every API request asks: two
    small queries, the membership read as plain values, measured fastest of the ways tried)."""
    found = list(
        ApiToken.objects.select_related("user", "workspace").filter(token_hash=hash_secret(raw))[:1]
    )
    token = found[0] if found else None
    if token is None or not token.is_active or not token.user.is_active:
        return None, None
    member = list(
        Membership.objects.filter(
            user_id=token.user_id, workspace_id=token.workspace_id
        ).values_list("pk", "role", "created_at")[:1]
    )
    if not member:
        return token, None
    member_id, role, created_at = member[0]
    membership = Membership(
        pk=member_id,
        workspace=token.workspace,
        user=token.user,
        role=role,
        created_at=created_at,
    )
    membership._state.adding = False
    membership._state.db = token._state.db
    return token, Access(workspace=token.workspace, membership=membership)


def user_memberships(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")
    )


def workspace_members(workspace: Workspace) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace=workspace).select_related("user")


def _not_here(
    model: type[Membership | Invitation | ApiToken],
    pk: int,
    workspace: Workspace,
    request: HttpRequest | None,
    message: str,
) -> Http404:
    """The 404 for an id not in this workspace; an id that exists in another one is logged."""
    elsewhere = (
        model.objects.filter(pk=pk).exclude(workspace=workspace).select_related("workspace").first()
    )
    if elsewhere is not None:
        user = getattr(request, "user", None)
        audit.record(
            action="access.outsider",
            workspace=elsewhere.workspace,
            actor=user if user is not None and user.is_authenticated else None,
            request=request,
            target=elsewhere,
            after={"path": request.path if request else "", "from_workspace": workspace.slug},
        )
    return Http404(message)


def member(
    workspace: Workspace, membership_id: int, request: HttpRequest | None = None
) -> Membership:
    found = workspace_members(workspace).filter(pk=membership_id).first()
    if found is None:
        raise _not_here(Membership, membership_id, workspace, request, "No such member.")
    return found


def workspace_invitations(workspace: Workspace) -> QuerySet[Invitation]:
    return Invitation.objects.filter(workspace=workspace).select_related("invited_by")


def invitation(
    workspace: Workspace, invitation_id: int, request: HttpRequest | None = None
) -> Invitation:
    found = workspace_invitations(workspace).filter(pk=invitation_id).first()
    if found is None:
        raise _not_here(Invitation, invitation_id, workspace, request, "No such invitation.")
    return found


def invitation_by_token(raw: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token_hash=hash_secret(raw))
        .first()
    )


def user_tokens(access: Access) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(workspace=access.workspace, user=access.user)


def user_token(access: Access, token_id: int, request: HttpRequest | None = None) -> ApiToken:
    found = user_tokens(access).filter(pk=token_id).first()
    if found is None:
        raise _not_here(ApiToken, token_id, access.workspace, request, "No such token.")
    return found


def pending_invitations(workspace: Workspace) -> QuerySet[Invitation]:
    return workspace_invitations(workspace).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now()
    )
