from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from socialops.accounts.roles import Role
from socialops.core.schemas import BodySchema, JsonInt


class WorkspaceOut(Schema):
    id: int
    name: str
    slug: str
    time_zone: str
    created_at: datetime


class WorkspaceCreateIn(BodySchema):
    name: str = Field(min_length=1, max_length=100)
    slug: str = Field("", max_length=50, pattern=r"^[a-z0-9-]*$")
    time_zone: str = Field("", max_length=64)


class WorkspacePatchIn(BodySchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    time_zone: str | None = Field(None, min_length=1, max_length=64)


class ProfilePatchIn(BodySchema):
    name: str | None = Field(None, max_length=100)
    language: Literal["zh-hans", "en"] | None = None


class UserOut(Schema):
    id: int
    email: str
    name: str
    language: str


class MeOut(Schema):
    user: UserOut
    workspace: WorkspaceOut
    role: str
    permissions: list[str]


class MyWorkspaceOut(Schema):
    workspace: WorkspaceOut
    role: str


class MemberOut(Schema):
    id: int
    user_id: int
    email: str = Field(alias="user.email")
    name: str = Field(alias="user.name")
    role: str
    created_at: datetime


class MemberPatchIn(BodySchema):
    role: Role


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    status: str
    created_at: datetime
    expires_at: datetime
    invited_by_id: int | None


class InvitationIn(BodySchema):
    email: str = Field(min_length=3, max_length=254)
    role: Role


class InvitationCreatedOut(InvitationOut):
    url: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


class TokenIn(BodySchema):
    name: str = Field(min_length=1, max_length=100)
    expires_in_days: JsonInt | None = Field(None, ge=1, le=3650)


class TokenCreatedOut(TokenOut):
    token: str


class RoleOut(Schema):
    role: str
    label: str
    description: str
    permissions: list[str]
