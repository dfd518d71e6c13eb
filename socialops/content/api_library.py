"""API routes of the content library (内容资料库): assets, uploads, usage and platform fit.

No `from __future__ import annotations` here: ninja's @paginate re-reads the handler's
annotations at run time, and `Query[...]` must then resolve.
"""

from datetime import datetime
from typing import Any, Literal

import pydantic
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import translation
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool

from socialops.accounts.auth import access_of
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core.errors import ApiError
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import BodySchema, DateTimeParam, InputSchema, errors, given_fields
from socialops.platforms import catalog

from . import actions
from . import queries_library as queries
from .library import storage
from .models import Asset

router = Router(tags=["content library"])

TAGS_HELP = "Up to 20 tags of at most 30 characters; a leading # is dropped."
RightsState = Literal["expired", "expiring", "ok"]
FileKind = Literal["image", "video", "document"]
# Literals, not the models' TextChoices: an enum's schema is named after its class, and other
# apps' "Kind" and "Rights" would take the same name in the OpenAPI components.
AssetKind = Literal["snippet", "image", "video", "link", "document"]
Rights = Literal["owned", "licensed", "stock", "user_permission", "unknown"]


class AssetOut(Schema):
    id: int
    kind: str = Field(description="snippet, image, video, link or document")
    title: str
    text: str = Field(description="A snippet's text; a description for the other kinds.")
    url: str = Field(description="A link's web address.")
    original_name: str = Field(description="The uploaded file's name.")
    mime_type: str = Field(description="Read from the file's content, not from the uploader.")
    size_bytes: int
    sha256: str
    width: int | None
    height: int | None
    duration_seconds: float | None = Field(description="A video's length, or an animation's.")
    tags: list[str]
    rights: str = Field(description="owned, licensed, stock, user_permission or unknown")
    rights_holder: str
    rights_note: str
    expires_at: datetime | None = Field(description="When the usage rights end.")
    rights_state: RightsState = Field(description="expiring: within 14 days.")
    archived: bool
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_rights_state(obj: Asset) -> str:
        return queries.rights_state(obj)


class AssetIn(BodySchema):
    kind: Literal["snippet", "link"]
    title: str = Field(min_length=1, max_length=200)
    text: str = Field("", max_length=50_000)
    url: str = Field("", max_length=1000, description="Required for a link: http(s) only.")
    tags: list[str] = Field(default_factory=list, max_length=20, description=TAGS_HELP)
    rights: Rights = "owned"
    rights_holder: str = Field("", max_length=200)
    rights_note: str = Field("", max_length=500)
    expires_at: DateTimeParam | None = None


class AssetPatchIn(BodySchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    text: str | None = Field(None, max_length=50_000)
    url: str | None = Field(None, max_length=1000)
    tags: list[str] | None = Field(None, max_length=20, description=TAGS_HELP)
    rights: Rights | None = None
    rights_holder: str | None = Field(None, max_length=200)
    rights_note: str | None = Field(None, max_length=500)
    expires_at: DateTimeParam | None = Field(None, description="null removes the expiry.")
    archived: StrictBool | None = None


class UploadForm(InputSchema):
    """The multipart fields besides `file`."""

    model_config = pydantic.ConfigDict(extra="forbid")

    kind: FileKind | None = None
    title: str = Field("", max_length=200)
    text: str = Field("", max_length=50_000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    rights: Rights = "owned"
    rights_holder: str = Field("", max_length=200)
    rights_note: str = Field("", max_length=500)
    expires_at: DateTimeParam | None = None


class UseOut(Schema):
    post_id: int
    title: str
    state: str
    as_media: bool
    as_cover: bool = Field(description="The post's WeChat article cover.")
    page: str = Field(description="The post's page in the UI.")


class ProblemOut(Schema):
    severity: str = Field(description="error: the platform refuses it; warning: check first")
    code: str
    message: str


class FitOut(Schema):
    platform: str
    name: str
    ok: bool = Field(description="No errors (warnings allowed).")
    problems: list[ProblemOut]


class AssetFilters(InputSchema):
    q: str = Field("", max_length=200, description="Words that must all occur (Chinese too).")
    kind: AssetKind | None = None
    tag: str | None = Field(None, max_length=30)
    rights: RightsState | None = None
    archived: bool = False


@router.get("/assets", response={200: list[AssetOut], **errors(403)})
@paginate(CursorPagination, ordering=("-id",))
def assets(request: HttpRequest, filters: Query[AssetFilters]) -> QuerySet[Asset]:
    """The library, newest first: search `q` matches title, text, tags and file name."""
    access = access_of(request, Perm.CONTENT_VIEW)
    return queries.library(
        access.workspace,
        q=filters.q,
        kind=filters.kind,
        tag=filters.tag,
        rights=filters.rights,
        archived=filters.archived,
    )


@router.post("/assets", response={201: AssetOut, **errors(403, 409)})
def create_asset(request: HttpRequest, payload: AssetIn) -> Status[Asset]:
    """A text snippet or a link; files go to POST /assets/upload."""
    asset = actions.create_asset(access=access_of(request), request=request, **payload.model_dump())
    return Status(201, asset)


RIGHTS_HELP = ", ".join(Asset.Rights.values)
# Only `file` is typed: in multipart every other field is text, and an empty or missing field
# reads the same (clients and test tools drop empty ones), so the fields are described, and
# checked by UploadForm (422 by field name).
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "description": "An empty field is as if it were not given.",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "kind": {"description": "image, video or document; else from the file."},
                        "title": {"description": "At most 200 characters; else the file name."},
                        "text": {"description": "A description, at most 50,000 characters."},
                        "tags": {"description": TAGS_HELP + " Repeat the field, or use commas."},
                        "rights": {"description": f"One of {RIGHTS_HELP} (default owned)."},
                        "rights_holder": {"description": "At most 200 characters."},
                        "rights_note": {"description": "At most 500 characters."},
                        "expires_at": {"description": "ISO 8601 with a zone: usage rights end."},
                    },
                }
            }
        },
    }
}


@router.post(
    "/assets/upload",
    response={200: AssetOut, 201: AssetOut, **errors(403, 409, 415)},
    openapi_extra=UPLOAD_BODY,
)
def upload(request: HttpRequest) -> Status[Asset]:
    """Upload an image, video or document (multipart/form-data, the file in `file`).

    The type is read from the content; a file that is not what its kind or name claims is a
    422 on `file`. Limits per kind: settings ASSET_MAX_BYTES. The same file already in the
    library answers 200 with that asset (restored if archived) instead of 201.
    """
    access = access_of(request, Perm.CONTENT_EDIT)
    if not request.content_type == "multipart/form-data":
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send multipart/form-data with the file in `file`.",
            {"body": "must be multipart/form-data"},
        )
    try:
        upload = request.FILES.get("file")
        repeated = [k for k in request.POST if k != "tags" and len(request.POST.getlist(k)) > 1]
        repeated += ["file"] if len(request.FILES.getlist("file")) > 1 else []
        data: dict[str, Any] = {
            key: request.POST.getlist(key) if key == "tags" else request.POST.get(key)
            for key in request.POST
        }
    except RequestDataTooBig:
        raise  # the API answers 413
    except (MultiPartParserError, SuspiciousOperation) as exc:
        raise ApiError(
            400, "malformed_body", "The multipart body could not be read.", {"body": str(exc)}
        ) from exc
    if repeated:
        raise ApiError(
            422,
            "invalid",
            "Some fields are invalid.",
            dict.fromkeys(repeated, "must be given once"),
        )
    if upload is None:
        raise ApiError(422, "invalid", "Some fields are invalid.", {"file": "required"})
    if len(data.get("tags") or []) == 1 and "," in data["tags"][0]:
        data["tags"] = data["tags"][0].split(",")  # "a,b" as well as tags=a&tags=b
    form = _form(data)
    asset, created = actions.upload_asset(
        access=access,
        content=upload,
        size=upload.size or 0,
        name=upload.name or "",
        request=request,
        **form.model_dump(),
    )
    return Status(201 if created else 200, asset)


def _form(data: dict[str, Any]) -> UploadForm:
    try:
        given = {k: v for k, v in data.items() if v not in ("", None)}  # empty: not given
        return UploadForm.model_validate(given)
    except pydantic.ValidationError as exc:
        fields = {
            ".".join(str(p) for p in error["loc"]) or "body": error["msg"] for error in exc.errors()
        }
        raise ApiError(422, "invalid", "Some fields are invalid.", fields) from exc


def _asset(request: HttpRequest, asset_id: int, perm: Perm) -> tuple[Access, Asset]:
    access = access_of(request, perm)
    return access, queries.asset(access.workspace, asset_id)


@router.get("/assets/{asset_id}", response={200: AssetOut, **errors(403, 404)})
def asset(request: HttpRequest, asset_id: int) -> Asset:
    return _asset(request, asset_id, Perm.CONTENT_VIEW)[1]


@router.patch("/assets/{asset_id}", response={200: AssetOut, **errors(403, 404)})
def update_asset(request: HttpRequest, asset_id: int, payload: AssetPatchIn) -> Asset:
    """Changes what is given; `expires_at: null` removes the expiry."""
    access, found = _asset(request, asset_id, Perm.CONTENT_EDIT)
    changes = given_fields(payload)
    if "expires_at" in payload.model_fields_set:
        changes["expires_at"] = payload.expires_at
    return actions.update_asset(access=access, asset=found, changes=changes, request=request)


@router.delete("/assets/{asset_id}", response={204: None, **errors(403, 404)})
def archive_asset(request: HttpRequest, asset_id: int) -> Status[None]:
    """Archives the asset (posts that use it keep it); PATCH archived=false restores it."""
    access, found = _asset(request, asset_id, Perm.CONTENT_EDIT)
    actions.archive_asset(access=access, asset=found, request=request)
    return Status(204, None)


@router.get("/assets/{asset_id}/usage", response={200: list[UseOut], **errors(403, 404)})
def usage(request: HttpRequest, asset_id: int) -> list[dict[str, Any]]:
    """Posts that use the asset, as media or as the article cover, newest first."""
    access, found = _asset(request, asset_id, Perm.CONTENT_VIEW)
    return [
        {
            "post_id": use.post.pk,
            "title": str(use.post),
            "state": use.post.state,
            "as_media": use.as_media,
            "as_cover": use.as_cover,
            "page": reverse("content_post", args=[access.workspace.slug, use.post.pk]),
        }
        for use in queries.usage(found)
    ]


@router.get("/assets/{asset_id}/fit", response={200: list[FitOut], **errors(403, 404)})
def fit(request: HttpRequest, asset_id: int, platform: str | None = None) -> list[dict[str, Any]]:
    """Whether the asset can go to each platform in use (or `platform`, a catalog code): format,
    size, pixels, length and usage rights against the catalog's media limits; messages in your
    language."""
    access, found = _asset(request, asset_id, Perm.CONTENT_VIEW)
    if platform is not None and catalog.get(platform) is None:
        raise ApiError(
            422, "invalid", "Some fields are invalid.", {"platform": "not a platform code"}
        )
    with translation.override(access.user.language or "zh-hans"):
        fits = queries.fit_of(found, [platform] if platform else None)
        return [
            {
                "platform": f.platform.code,
                "name": str(f.platform.name),
                "ok": f.ok,
                "problems": [
                    {"severity": p.severity, "code": p.code, "message": p.message}
                    for p in f.problems
                ],
            }
            for f in fits
        ]


FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "The file's bytes, with its Content-Type.",
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    }
}


@router.get(
    "/assets/{asset_id}/file", response={200: None, **errors(403, 404)}, openapi_extra=FILE_RESPONSE
)
def download(request: HttpRequest, asset_id: int) -> FileResponse:
    """The stored file of an image, video or document asset."""
    _access, found = _asset(request, asset_id, Perm.CONTENT_VIEW)
    return storage.file_response(found)
