"""Listening pages: the mention stream (with its actions) and the dashboard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.classify import SENTIMENTS
from socialops.contacts.models import Contact
from socialops.contacts.platforms import name_of as platform_name
from socialops.core.clock import now
from socialops.inbox.views import INTENTS as INTENT_LABELS

from . import charts, convert, mentions
from .models import ListeningQuery, Mention

SENTIMENT_CLASSES = {"positive": "success", "neutral": "secondary", "negative": "danger"}


def card(row: Mention) -> dict[str, Any]:
    """What a mention card shows."""
    return {
        "mention": row,
        "html": mentions.highlight(row.text, mentions.spans_of(row)),
        "queries": mentions.matched_queries(row),
        "sentiment_class": SENTIMENT_CLASSES.get(row.sentiment, "secondary"),
        "intent_label": INTENT_LABELS.get(row.intent, row.intent),
        "platform_name": platform_name(row.platform),
    }


def cards(rows: list[Mention]) -> list[dict[str, Any]]:
    return [card(row) for row in rows]


def _filter(request: HttpRequest, access: Access) -> tuple[mentions.MentionFilter, dict[str, str]]:
    try:
        return mentions.parse_filter(request.GET, access.workspace), {}
    except ValidationError as exc:
        return mentions.MentionFilter(), {k: " ".join(v) for k, v in exc.message_dict.items()}


def _platforms(access: Access) -> list[str]:
    return sorted(
        set(
            Mention.objects.filter(workspace=access.workspace)
            .order_by()
            .values_list("platform", flat=True)
            .distinct()[:50]
        )
    )


@workspace_view(Perm.LISTENING_VIEW)
def mentions_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    """The stream, newest first; ?after= (htmx "load more") answers only the next rows."""
    wanted, form_errors = _filter(request, access)
    rows = mentions.filtered(access.workspace, wanted)
    try:
        shown, after = mentions.page(rows, after=request.GET.get("after", ""))
    except ValidationError:
        shown, after = mentions.page(rows)
    base = urlencode(wanted.as_params())
    context: dict[str, Any] = {
        "cards": cards(shown),
        "after": after,
        "filter_query": base,
        "next_url": f"{request.path}?{base}" if base else request.path,
    }
    if request.headers.get("HX-Request") and request.GET.get("after"):
        return render(request, "listening/mention_rows.html", context)
    context.update(
        {
            "wanted": wanted,
            "raw": request.GET,
            "form_errors": form_errors,
            "queries": ListeningQuery.objects.filter(workspace=access.workspace),
            "sentiments": SENTIMENTS,
            "platforms": _platforms(access),
            "author_types": Contact.Kind.choices,
            "contact_kinds": Contact.Kind.choices,
            "newest_id": rows.aggregate(newest=Max("pk"))["newest"] or 0,
        }
    )
    return render(request, "listening/mentions.html", context, status=422 if form_errors else 200)


@workspace_view(Perm.LISTENING_VIEW)
def mentions_new(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    """The "N new" button (htmx, polled): mentions of the filter newer than ?since=<id>."""
    wanted, _errors = _filter(request, access)
    try:
        since = int(request.GET.get("since", "0"))
    except ValueError:
        since = 0
    count = mentions.newer_than(mentions.filtered(access.workspace, wanted), since) if since else 0
    return render(
        request,
        "listening/mentions_new.html",
        {"count": count, "filter_query": urlencode(wanted.as_params())},
    )


def _back(request: HttpRequest, access: Access) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("listening_mentions", access.workspace.slug)


def _found(access: Access, mention_id: int) -> Mention:
    return mentions.mention(access.workspace, mention_id)


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def mention_conversation(
    request: HttpRequest, access: Access, section: str, mention_id: int
) -> HttpResponse:
    found = _found(access, mention_id)
    try:
        conversation = convert.to_conversation(access=access, mention=found, request=request)
    except ValidationError as exc:
        _error(request, exc)
        return _back(request, access)
    messages.success(request, _("The mention is in the inbox now."))
    return redirect(reverse("inbox_conversation", args=[access.workspace.slug, conversation.pk]))


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def mention_task(
    request: HttpRequest, access: Access, section: str, mention_id: int
) -> HttpResponse:
    found = _found(access, mention_id)
    convert.to_engagement_task(access=access, mention=found, request=request)
    messages.success(request, _("Engagement task added."))
    return _back(request, access)


@require_POST
@workspace_view(Perm.CONTACTS_EDIT)
def mention_contact(
    request: HttpRequest, access: Access, section: str, mention_id: int
) -> HttpResponse:
    found = _found(access, mention_id)
    try:
        contact, created = convert.to_contact(
            access=access,
            mention=found,
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", "")[:200],
            request=request,
        )
    except ValidationError as exc:
        _error(request, exc)
        return _back(request, access)
    if created:
        messages.success(request, _("Contact %(name)s added.") % {"name": contact.name})
    else:
        messages.info(request, _("Linked to the contact %(name)s.") % {"name": contact.name})
    return _back(request, access)


def _ranges(zone: ZoneInfo) -> list[tuple[str, str]]:
    """The quick periods above the dashboard: (label, query string)."""
    at = now().astimezone(zone).replace(second=0, microsecond=0)
    spans = [
        (_("6 hours"), timedelta(hours=6)),
        (_("1 day"), timedelta(days=1)),
        (_("7 days"), timedelta(days=7)),
        (_("30 days"), timedelta(days=30)),
    ]
    return [(label, urlencode({"from": (at - span).isoformat()})) for label, span in spans]


@workspace_view(Perm.LISTENING_VIEW)
def dashboard_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    zone = ZoneInfo(access.workspace.time_zone)
    start_text, end_text = request.GET.get("from", ""), request.GET.get("to", "")
    try:
        found = charts.parse_period(start_text, end_text, zone=zone, at=now())
    except charts.PeriodError:
        messages.error(request, _("That period cannot be shown; showing the last day."))
        found = charts.parse_period("", "", zone=zone, at=now())
    data = charts.dashboard(access.workspace, found)
    data["labels"] = {
        "positive": _("Positive"),
        "neutral": _("Neutral"),
        "negative": _("Negative"),
        "mentions": pgettext("listening", "Mentions"),
    }
    context = {
        "data": data,
        "start": found.start.astimezone(zone),
        "end": found.end.astimezone(zone),
        "ranges": _ranges(zone),
        "contact_kinds": dict(Contact.Kind.choices),
        "voice_total": sum(s["total"] for s in data["share_of_voice"]),
    }
    return render(request, "listening/dashboard.html", context)
