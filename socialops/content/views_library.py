"""Pages of the content library: search and filter, add, an asset's page, its file."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm

from . import actions
from . import queries_library as queries
from .library.forms import AssetEditForm, AssetForm, FilterForm
from .library.storage import file_response
from .library.validate import FILE_KINDS, human_size
from .models import Asset

PAGE_SIZE = 120


def _library_context(request: HttpRequest, access: Access) -> dict[str, Any]:
    filters = FilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    found = queries.library(
        access.workspace,
        q=values.get("q") or "",
        kind=values.get("kind") or None,
        tag=values.get("tag") or None,
        rights=values.get("rights") or None,
        archived=bool(values.get("archived")),
    )
    assets = list(found[: PAGE_SIZE + 1])
    rows = [(a, queries.rights_state(a)) for a in assets[:PAGE_SIZE]]
    filtered = any(values.get(name) for name in ("q", "kind", "tag", "rights", "archived"))
    return {
        "filters": filters,
        "more": len(assets) > PAGE_SIZE,
        "image_rows": [(a, state) for a, state in rows if a.kind == Asset.Kind.IMAGE],
        "other_rows": [(a, state) for a, state in rows if a.kind != Asset.Kind.IMAGE],
        "tags": queries.tags_in_use(access.workspace),
        "library_empty": not filtered and not assets,
    }


@workspace_view(Perm.CONTENT_VIEW)
def library_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    context = _library_context(request, access)
    if request.headers.get("HX-Request"):
        return render(request, "content/_asset_results.html", context)
    context["form"] = AssetForm()
    return render(request, "content/library.html", context)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def asset_new(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    """Add a snippet or link, or upload a file; errors show on the library page (422)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.API_MAX_UPLOAD_BYTES:
        form = AssetForm({"kind": "image", "rights": "owned"})  # the body is never read
        form.is_valid()
        form.add_error(
            "file",
            _("The upload is %(size)s; at most %(limit)s is taken.")
            % {"size": human_size(length), "limit": human_size(settings.API_MAX_UPLOAD_BYTES)},
        )
        return _library_with_form(request, access, form, status=413)
    form = AssetForm(request.POST, request.FILES)
    if not form.is_valid():
        return _library_with_form(request, access, form)
    kind = form.cleaned_data["kind"]
    values = form.values(access.workspace.time_zone)
    try:
        if kind in FILE_KINDS:
            upload = form.cleaned_data["file"]
            if upload is None:
                raise ValidationError({"file": _("Choose a file to upload.")})
            values.pop("url")
            asset, created = actions.upload_asset(
                access=access,
                content=upload,
                size=upload.size or 0,
                name=upload.name or "",
                kind=kind,
                request=request,
                **values,
            )
        else:
            asset = actions.create_asset(access=access, kind=kind, request=request, **values)
            created = True
    except ValidationError as exc:
        form.add_action_errors(exc)
        return _library_with_form(request, access, form)
    if created:
        messages.success(request, _("Added to the library."))
    else:
        messages.info(request, _("This file is already in the library: here it is."))
    return redirect("content_asset", access.workspace.slug, asset.pk)


def _library_with_form(
    request: HttpRequest, access: Access, form: AssetForm, status: int = 422
) -> HttpResponse:
    context = _library_context(request, access)
    context["form"] = form
    return render(request, "content/library.html", context, status=status)


def _asset_context(access: Access, asset: Asset) -> dict[str, Any]:
    return {
        "asset": asset,
        "rights_state": queries.rights_state(asset),
        "uses": queries.usage(asset),
        # platforms whose limits the catalog knows first; the rest need checking by hand
        "fits": sorted(queries.fit_of(asset), key=lambda fit: fit.platform.media is None),
    }


@workspace_view(Perm.CONTENT_VIEW)
def asset_detail(request: HttpRequest, access: Access, section: str, asset_id: int) -> HttpResponse:
    asset = queries.asset(access.workspace, asset_id)
    context = _asset_context(access, asset)
    tz = access.workspace.time_zone
    context["form"] = AssetEditForm(initial=AssetEditForm.initial_of(asset, tz))
    return render(request, "content/library_asset.html", context)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def asset_edit(request: HttpRequest, access: Access, section: str, asset_id: int) -> HttpResponse:
    asset = queries.asset(access.workspace, asset_id)
    form = AssetEditForm(request.POST)
    if form.is_valid():
        values = form.values(access.workspace.time_zone)
        if asset.kind != Asset.Kind.LINK:
            values.pop("url")
        try:
            actions.update_asset(access=access, asset=asset, changes=values, request=request)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("content_asset", access.workspace.slug, asset.pk)
    context = _asset_context(access, asset)
    context["form"] = form
    return render(request, "content/library_asset.html", context, status=422)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def asset_archive(
    request: HttpRequest, access: Access, section: str, asset_id: int
) -> HttpResponse:
    """Archive an asset, or restore an archived one."""
    asset = queries.asset(access.workspace, asset_id)
    if asset.archived:
        actions.update_asset(
            access=access, asset=asset, changes={"archived": False}, request=request
        )
        messages.success(request, _("Restored to the library."))
        return redirect("content_asset", access.workspace.slug, asset.pk)
    actions.archive_asset(access=access, asset=asset, request=request)
    messages.success(request, _("Archived. Posts that use it keep it."))
    return redirect("content_library", access.workspace.slug)


@workspace_view(Perm.CONTENT_VIEW)
def asset_file(request: HttpRequest, access: Access, section: str, asset_id: int) -> HttpResponse:
    """The stored file, to members of the workspace only (media is never public)."""
    streamed = file_response(queries.asset(access.workspace, asset_id))
    return cast(HttpResponse, streamed)  # a streaming response: Django serves either
