"""Platform section pages: 账号 Accounts (connect, matrix) and 门面 Facade (audit, ticks)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access, workspace_members
from socialops.accounts.roles import Perm
from socialops.connectors.base import AuthKind, Connector
from socialops.core.errors import ApiError

from . import actions, queries
from .models import Channel, FacadeCheck


def _complain(request: HttpRequest, exc: ApiError | ValidationError) -> None:
    if isinstance(exc, ApiError):
        messages.error(request, exc.message)
    else:
        messages.error(request, " ".join(exc.messages))


def connect_form_for(cls: type[Connector], data: Any = None) -> forms.Form:
    """The connect form of one connector, built from its connect_fields."""
    form = forms.Form(data, prefix=cls.code)
    for field in cls.connect_fields:
        form.fields[field.name] = forms.CharField(
            label=_(str(field.label)),
            required=field.required,
            help_text=_(str(field.help)) if field.help else "",
            max_length=500,
            widget=forms.PasswordInput(render_value=False) if field.secret else forms.TextInput(),
        )
    return form


class MatrixForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Channel.Role.choices)
    owner = forms.TypedChoiceField(
        label=pgettext_lazy("person responsible for an account", "Owner"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    weekly_capacity_hours = forms.DecimalField(
        label=gettext_lazy("Hours per week"), min_value=0, max_value=168, decimal_places=1
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, max_length=2000)


@workspace_view(Perm.PLATFORM_VIEW)
def channels(request: HttpRequest, access: Access, **_section: str) -> HttpResponse:
    found = list(queries.workspace_channels(access.workspace))
    pairs = queries.complements_of(found)
    available = sorted(queries.connectors(), key=lambda cls: (not cls.simulated, cls.name))
    simulated = {cls.code for cls in available if cls.simulated}
    members = [m.user for m in workspace_members(access.workspace).order_by("user__name")]
    return render(
        request,
        "channels/accounts.html",
        {
            "section": "platform",
            "tab": "accounts",
            "rows": [
                {"channel": c, "complements": pairs[c.pk], "simulated": c.connector in simulated}
                for c in found
            ],
            "channels": found,
            "connectors": [
                {
                    "code": cls.code,
                    "name": cls.name,
                    "simulated": cls.simulated,
                    "oauth": cls.auth_kind == AuthKind.OAUTH2,
                    "form": connect_form_for(cls),
                }
                for cls in available
            ],
            "members": members,
            "roles": Channel.Role.choices,
            "can_manage": access.can(Perm.PLATFORM_MANAGE),
        },
    )


def _back(access: Access, tab: str = "channels") -> HttpResponse:
    return redirect(tab, slug=access.workspace.slug)


@workspace_view(Perm.PLATFORM_MANAGE)
@require_POST
def connect(request: HttpRequest, access: Access, connector: str, **_section: str) -> HttpResponse:
    cls = actions.connector_class_or_none(connector)
    if cls is None:
        messages.error(request, _("No such connector."))
        return _back(access)
    form = connect_form_for(cls, request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Fill in every required field to connect %(name)s.") % {"name": cls.name}
        )
        return _back(access)
    try:
        channel = actions.connect_channel(
            access=access, connector=connector, fields=form.cleaned_data, request=request
        )
    except (ApiError, ValidationError) as exc:
        _complain(request, exc)
    else:
        messages.success(
            request, _("Connected %(handle)s.") % {"handle": channel.handle or channel.remote_id}
        )
    return _back(access)


@workspace_view(Perm.PLATFORM_MANAGE)
def oauth_start(
    request: HttpRequest, access: Access, connector: str, **_section: str
) -> HttpResponse:
    channel = None
    if request.GET.get("channel", "").isdigit():
        channel = queries.channel(access.workspace, int(request.GET["channel"]), request)
    cls = actions.connector_class_or_none(connector)
    fields = {}
    if cls is not None:
        fields = {f.name: request.GET[f.name] for f in cls.connect_fields if f.name in request.GET}
    try:
        url = actions.start_oauth(
            access=access, connector=connector, fields=fields, channel=channel, request=request
        )
    except (ApiError, ValidationError) as exc:
        _complain(request, exc)
        return _back(access)
    return redirect(url)


@login_required
def oauth_callback(request: HttpRequest, connector: str) -> HttpResponse:
    try:
        channel = actions.complete_oauth(
            user=request.user,  # type: ignore[arg-type]
            connector=connector,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            request=request,
        )
    except actions.OAuthRefused as refused:
        return render(
            request, "channels/oauth_refused.html", {"reason": refused.reason}, status=400
        )
    except ApiError as exc:
        return render(
            request, "channels/oauth_refused.html", {"reason": exc.message}, status=exc.status
        )
    messages.success(
        request, _("Connected %(handle)s.") % {"handle": channel.handle or channel.remote_id}
    )
    return redirect("channels", slug=channel.workspace.slug)


@workspace_view(Perm.PLATFORM_MANAGE)
@require_POST
def reconnect(
    request: HttpRequest, access: Access, channel_id: int, **_section: str
) -> HttpResponse:
    channel = queries.channel(access.workspace, channel_id, request)
    cls = actions.connector_class_or_none(channel.connector)
    if cls is not None and cls.auth_kind == AuthKind.OAUTH2:
        return redirect(
            f"{_url('channel_oauth_start', access, connector=cls.code)}?channel={channel.pk}"
        )
    fields = {}
    if cls is not None:
        form = connect_form_for(cls, request.POST)
        fields = form.cleaned_data if form.is_valid() else {}
    try:
        actions.reconnect_channel(access=access, channel=channel, fields=fields, request=request)
    except (ApiError, ValidationError) as exc:
        _complain(request, exc)
    else:
        messages.success(request, _("Reconnected %(handle)s.") % {"handle": channel.handle})
    return _back(access)


def _url(name: str, access: Access, **kwargs: Any) -> str:
    return reverse(name, kwargs={"slug": access.workspace.slug, **kwargs})


@workspace_view(Perm.PLATFORM_MANAGE)
@require_POST
def disconnect(
    request: HttpRequest, access: Access, channel_id: int, **_section: str
) -> HttpResponse:
    channel = queries.channel(access.workspace, channel_id, request)
    actions.disconnect_channel(access=access, channel=channel, request=request)
    messages.success(request, _("Disconnected %(handle)s.") % {"handle": channel.handle})
    return _back(access)


@workspace_view(Perm.PLATFORM_MANAGE)
@require_POST
def matrix(request: HttpRequest, access: Access, channel_id: int, **_section: str) -> HttpResponse:
    channel = queries.channel(access.workspace, channel_id, request)
    form = MatrixForm(request.POST)
    form.fields["owner"].choices = [("", "—")] + [  # type: ignore[attr-defined]
        (m.user_id, str(m.user)) for m in workspace_members(access.workspace)
    ]
    if not form.is_valid():
        messages.error(request, _("Check the role, owner and hours."))
        return _back(access)
    complements = {}
    for raw in request.POST.getlist("complement"):
        if raw.isdigit():
            complements[int(raw)] = request.POST.get(f"why_{raw}", "")
    try:
        actions.update_matrix(
            access=access,
            channel=channel,
            role=form.cleaned_data["role"],
            owner_id=form.cleaned_data["owner"],
            weekly_capacity_hours=form.cleaned_data["weekly_capacity_hours"],
            notes=form.cleaned_data["notes"],
            complements=complements,
            request=request,
        )
    except (ApiError, ValidationError) as exc:
        _complain(request, exc)
    else:
        messages.success(
            request, _("Saved the matrix for %(handle)s.") % {"handle": channel.handle}
        )
    return _back(access)


@workspace_view(Perm.PLATFORM_MANAGE)
@require_POST
def refresh(request: HttpRequest, access: Access, channel_id: int, **_section: str) -> HttpResponse:
    channel = queries.channel(access.workspace, channel_id, request)
    try:
        actions.refresh_profile(access=access, channel=channel, request=request)
    except (ApiError, ValidationError) as exc:
        _complain(request, exc)
    else:
        messages.success(
            request, _("Read the live profile of %(handle)s.") % {"handle": channel.handle}
        )
    return _back(access, request.POST.get("back") == "facade" and "facade" or "channels")


class SimulateForm(forms.Form):
    auth_expired = forms.BooleanField(required=False)
    rate_limited = forms.IntegerField(required=False, min_value=1, max_value=86400)
    permanent = forms.CharField(required=False, max_length=200)
    timeout = forms.BooleanField(required=False)


@workspace_view(Perm.PLATFORM_MANAGE)
@require_POST
def simulate(
    request: HttpRequest, access: Access, channel_id: int, **_section: str
) -> HttpResponse:
    channel = queries.channel(access.workspace, channel_id, request)
    form = SimulateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Those failure settings are not valid."))
        return _back(access)
    try:
        actions.simulate_faults(
            access=access, channel=channel, faults=form.cleaned_data, request=request
        )
    except (ApiError, ValidationError) as exc:
        _complain(request, exc)
    else:
        messages.success(
            request, _("Simulated failures for %(handle)s saved.") % {"handle": channel.handle}
        )
    return _back(access)


@workspace_view(Perm.PLATFORM_VIEW)
def facade_page(request: HttpRequest, access: Access, **_section: str) -> HttpResponse:
    found = list(queries.workspace_channels(access.workspace))
    simulated = {cls.code for cls in queries.connectors() if cls.simulated}
    return render(
        request,
        "channels/facade.html",
        {
            "section": "platform",
            "tab": "facade",
            "reports": [queries.facade_report(channel) for channel in found],
            "simulated": simulated,
            "states": FacadeCheck.State,
            "can_manage": access.can(Perm.PLATFORM_MANAGE),
        },
    )


@workspace_view(Perm.PLATFORM_MANAGE)
@require_POST
def facade_tick(
    request: HttpRequest, access: Access, channel_id: int, item: str, **_section: str
) -> HttpResponse:
    channel = queries.channel(access.workspace, channel_id, request)
    try:
        actions.tick_facade_item(
            access=access,
            channel=channel,
            item=item,
            state=request.POST.get("state", FacadeCheck.State.MANUAL_OK),
            evidence=request.POST.get("evidence", ""),
            request=request,
        )
    except (ApiError, ValidationError) as exc:
        _complain(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect(f"{_url('facade', access)}#channel-{channel.pk}")
