"""API routes for the caller, its workspace, members, invitations, tokens and roles."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status
from ninja.pagination import paginate

from socialops.accounts import actions, queries
from socialops.accounts.auth import access_of
from socialops.accounts.models import ApiToken, Invitation, Membership
from socialops.accounts.roles import ROLE_DESCRIPTIONS, Perm, Role, permissions_of
from socialops.accounts.schemas import (
    InvitationCreatedOut,
    InvitationIn,
    InvitationOut,
    MemberOut,
    MemberPatchIn,
    MeOut,
    MyWorkspaceOut,
    ProfilePatchIn,
    RoleOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    WorkspaceCreateIn,
    WorkspaceOut,
    WorkspacePatchIn,
)
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors

router = Router(tags=["workspace"])


@router.get("/me", response={200: MeOut, **errors()})
def me(request: HttpRequest) -> dict[str, object]:
    access = access_of(request)
    return {
        "user": access.user,
        "workspace": access.workspace,
        "role": access.role,
        "permissions": access.permissions,
    }


@router.patch("/me", response={200: MeOut, **errors()})
def update_me(request: HttpRequest, payload: ProfilePatchIn) -> dict[str, object]:
    """Your own name and interface language (the same as the profile page)."""
    access = access_of(request)
    actions.update_profile(
        user=access.user, name=payload.name, language=payload.language, request=request
    )
    return me(request)


@router.get("/roles", response={200: list[RoleOut], **errors()})
def roles(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            "role": role.value,
            "label": str(role.label),
            "description": str(ROLE_DESCRIPTIONS[role]),
            "permissions": permissions_of(role),
        }
        for role in Role
    ]


@router.get("/workspace", response={200: WorkspaceOut, **errors()})
def workspace(request: HttpRequest) -> object:
    return access_of(request).workspace


@router.patch("/workspace", response={200: WorkspaceOut, **errors(403)})
def update_workspace(request: HttpRequest, payload: WorkspacePatchIn) -> object:
    return actions.update_workspace(
        access=access_of(request), name=payload.name, time_zone=payload.time_zone, request=request
    )


@router.get("/workspaces", response={200: list[MyWorkspaceOut], **errors()})
@paginate(CursorPagination, ordering=("id",))
def my_workspaces(request: HttpRequest) -> QuerySet[Membership]:
    return queries.user_memberships(access_of(request).user).order_by("id")


@router.post("/workspaces", response={201: WorkspaceOut, **errors(409)})
def create_workspace(request: HttpRequest, payload: WorkspaceCreateIn) -> Status[object]:
    workspace = actions.create_workspace(
        actor=access_of(request).user,
        name=payload.name,
        slug=payload.slug,
        time_zone=payload.time_zone,
        request=request,
        starter_kit=True,
    )
    return Status(201, workspace)


@router.get("/members", response={200: list[MemberOut], **errors(403)}, tags=["members"])
@paginate(CursorPagination, ordering=("id",))
def members(request: HttpRequest) -> QuerySet[Membership]:
    access = access_of(request, Perm.MEMBERS_VIEW)
    return queries.workspace_members(access.workspace)


@router.patch(
    "/members/{member_id}", response={200: MemberOut, **errors(403, 404)}, tags=["members"]
)
def change_member(request: HttpRequest, member_id: int, payload: MemberPatchIn) -> object:
    access = access_of(request, Perm.MEMBERS_MANAGE)
    membership = queries.member(access.workspace, member_id, request)
    return actions.change_member_role(
        access=access, membership=membership, role=payload.role, request=request
    )


@router.delete("/members/{member_id}", response={204: None, **errors(403, 404)}, tags=["members"])
def remove_member(request: HttpRequest, member_id: int) -> Status[None]:
    access = access_of(request)
    membership = queries.member(access.workspace, member_id, request)
    actions.remove_member(access=access, membership=membership, request=request)
    return Status(204, None)


def _invitation_out(invitation: Invitation) -> dict[str, object]:
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "role": invitation.role,
        "status": invitation.status,
        "created_at": invitation.created_at,
        "expires_at": invitation.expires_at,
        "invited_by_id": invitation.invited_by_id,
    }


@router.get("/invitations", response={200: list[InvitationOut], **errors(403)}, tags=["members"])
@paginate(CursorPagination, ordering=("-id",))
def invitations(request: HttpRequest) -> QuerySet[Invitation]:
    access = access_of(request, Perm.MEMBERS_MANAGE)
    return queries.workspace_invitations(access.workspace)


@router.post(
    "/invitations", response={201: InvitationCreatedOut, **errors(403, 409)}, tags=["members"]
)
def invite(request: HttpRequest, payload: InvitationIn) -> Status[dict[str, object]]:
    access = access_of(request)
    try:
        validate_email(payload.email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    invitation, raw = actions.invite_member(
        access=access, email=payload.email, role=payload.role, request=request
    )
    url = settings.SITE_URL + reverse("accept_invitation", args=[raw])
    return Status(201, {**_invitation_out(invitation), "url": url})


@router.delete(
    "/invitations/{invitation_id}",
    response={200: InvitationOut, **errors(403, 404)},
    tags=["members"],
)
def revoke_invitation(request: HttpRequest, invitation_id: int) -> dict[str, object]:
    access = access_of(request, Perm.MEMBERS_MANAGE)
    invitation = actions.revoke_invitation(
        access=access,
        invitation=queries.invitation(access.workspace, invitation_id, request),
        request=request,
    )
    return _invitation_out(invitation)


@router.get("/tokens", response={200: list[TokenOut], **errors(403)}, tags=["tokens"])
@paginate(CursorPagination, ordering=("-id",))
def tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    access = access_of(request, Perm.TOKENS_OWN)
    return queries.user_tokens(access)


@router.post("/tokens", response={201: TokenCreatedOut, **errors(403, 409)}, tags=["tokens"])
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, raw = actions.create_api_token(
        access=access_of(request),
        name=payload.name,
        expires_in_days=payload.expires_in_days,
        request=request,
    )
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": raw})


@router.delete("/tokens/{token_id}", response={200: TokenOut, **errors(403, 404)}, tags=["tokens"])
def revoke_token(request: HttpRequest, token_id: int) -> object:
    access = access_of(request, Perm.TOKENS_OWN)
    return actions.revoke_api_token(
        access=access, token=queries.user_token(access, token_id, request), request=request
    )
