"""The three-pane inbox (list, thread, context) and its forms, at /w/<slug>/interaction/."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.content.highlight import highlighted

from . import actions, queries
from .forms import (
    PRIORITY_CHOICES,
    STATUS_CHOICES,
    LabelForm,
    NoteForm,
    ReplyForm,
    RuleForm,
    SavedViewForm,
    add_action_errors,
)
from .models import Conversation, Kind

FILTER_NAMES = (
    "status",
    "kind",
    "channel_id",
    "assignee",
    "priority",
    "label_id",
    "sentiment",
    "intent",
    "q",
    "sort",
)
# the classifier's values (socialops.classify.SENTIMENTS / INTENTS) as the UI names them
SENTIMENTS = {
    "positive": gettext_lazy("Positive"),
    "neutral": gettext_lazy("Neutral"),
    "negative": gettext_lazy("Negative"),
}
SLA_STATES = {
    "running": gettext_lazy("Running"),
    "paused": gettext_lazy("Paused"),
    "warning": gettext_lazy("Due soon"),
    "breached": gettext_lazy("Overdue"),
    "hit": gettext_lazy("Answered in time"),
}
INTENTS = {
    "complaint": gettext_lazy("Complaint"),
    "question": gettext_lazy("Question"),
    "praise": gettext_lazy("Praise"),
    "purchase": gettext_lazy("Purchase intent"),
    "spam": gettext_lazy("Spam"),
    "abuse": gettext_lazy("Abuse"),
    "other": gettext_lazy("Other"),
}


def _filters(access: Access, data: Any) -> tuple[queries.Filters, dict[str, str]]:
    try:
        return queries.Filters.parse(data, access.workspace), {}
    except ValidationError as exc:
        return queries.Filters(), {key: " ".join(msgs) for key, msgs in exc.message_dict.items()}


def _querystring(data: Any) -> str:
    """Only the filter names (and the cursor), re-encoded: what the forms carry back."""
    kept = QueryDict(mutable=True)
    for name in (*FILTER_NAMES, "cursor"):
        value = data.get(name)
        if value:
            kept[name] = str(value)[:500]
    return kept.urlencode()


def _back(access: Access, conversation_id: int | None, qs: str) -> HttpResponse:
    if conversation_id is None:
        url = reverse("inbox", args=[access.workspace.slug])
    else:
        url = reverse("inbox_conversation", args=[access.workspace.slug, conversation_id])
    clean = _querystring(QueryDict(qs))
    return redirect(f"{url}?{clean}" if clean else url)


def _canned(access: Access, conversation: Conversation) -> list[dict[str, Any]]:
    """Canned replies for this kind, filled in for this conversation (guidebook may be absent)."""
    try:
        from socialops.guidebook.canned import (  # type: ignore[attr-defined,unused-ignore]
            canned_for,
            render_canned,
        )
    except ImportError:
        return []
    return [
        {
            "reply": reply,
            "text": render_canned(reply, conversation=conversation, agent=access.user),
        }
        for reply in canned_for(access.workspace, conversation.kind)
    ]


def _contact_links(access: Access, conversation: Conversation) -> dict[str, str]:
    """The contacts app's pages for this author, where that app has them (by URL name)."""
    slug = access.workspace.slug
    links: dict[str, str] = {}
    if conversation.contact_id:
        try:
            links["contact"] = reverse("contact_detail", args=[slug, conversation.contact_id])
        except NoReverseMatch:
            pass
    try:
        query = urlencode(
            {
                "platform": conversation.channel.platform,
                "remote_id": conversation.author_remote_id,
                "handle": conversation.author_handle,
                "name": conversation.author_name,
            }
        )
        links["new"] = f"{reverse('contact_new', args=[slug])}?{query}"
    except NoReverseMatch:
        pass
    return links


def _lint_result(findings: list[Any], text: str) -> dict[str, Any]:
    return {
        "text": text,
        "findings": findings,
        "segments": highlighted(text, findings),
        "errors": sum(1 for f in findings if f.severity == "error"),
        "warnings": sum(1 for f in findings if f.severity != "error"),
    }


def _page(
    request: HttpRequest,
    access: Access,
    conversation_id: int | None = None,
    *,
    reply_form: ReplyForm | None = None,
    lint: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    from socialops.channels.models import Channel

    conversation = None
    if conversation_id is not None:
        conversation = queries.conversation(access.workspace, conversation_id)
        actions.touch_presence(conversation, access.user, typing=False)  # before the unread marks
    filters, filter_errors = _filters(access, request.GET)
    try:
        found = queries.page(access, filters, cursor=request.GET.get("cursor") or None)
    except ValidationError:
        found = queries.page(access, filters)
    for item in found.items:
        state = getattr(item.sla, "state", "")  # type: ignore[attr-defined]
        item.sla_label = SLA_STATES.get(state, state)  # type: ignore[attr-defined]
        item.sentiment_label = SENTIMENTS.get(item.sentiment, item.sentiment)  # type: ignore[attr-defined]
        item.intent_label = INTENTS.get(item.intent, item.intent)  # type: ignore[attr-defined]
    qs = _querystring(request.GET)
    context: dict[str, Any] = {
        "page": found,
        "filters": filters,
        "filter_errors": filter_errors,
        "qs": qs,
        "qs_no_cursor": _querystring({k: v for k, v in request.GET.items() if k != "cursor"}),
        "next_qs": _querystring({**request.GET.dict(), "cursor": found.next_cursor})
        if found.next_cursor
        else "",
        "saved_views": list(queries.saved_views(access)),
        "labels": list(queries.workspace_labels(access.workspace)),
        "channels": list(Channel.objects.filter(workspace=access.workspace).order_by("id")),
        "repliers": queries.repliers(access.workspace),
        "statuses": STATUS_CHOICES,
        "priorities": PRIORITY_CHOICES,
        "kinds": Kind.choices,
        "sentiments": SENTIMENTS.items(),
        "intents": INTENTS.items(),
        "view_form": SavedViewForm(),
        "may_reply": access.can(Perm.INBOX_REPLY),
        "may_manage": access.can(Perm.INBOX_MANAGE),
        "selected": None,
    }
    if conversation is not None:
        thread: list[tuple[str, Any]] = []
        for message in queries.messages_of(conversation):
            message.sentiment_label = SENTIMENTS.get(message.sentiment, message.sentiment)  # type: ignore[attr-defined]
            thread.append(("message", message))
        thread += [("note", n) for n in queries.notes_of(conversation)]
        thread.sort(key=lambda entry: (entry[1].created_at, entry[0] == "note", entry[1].pk))
        context.update(
            selected=conversation,
            thread=thread,
            history=queries.history(conversation),
            contact=queries.contact_card(conversation),
            contact_links=_contact_links(access, conversation),
            present=queries.others_present(conversation, access.user),
            conversation_labels=list(conversation.labels.all()),
            reply_form=reply_form or ReplyForm(initial={"then": "open"}),
            note_form=NoteForm(),
            canned=_canned(access, conversation),
            lint=lint,
        )
        canned_id = request.GET.get("canned")
        if reply_form is None and canned_id:
            for item in context["canned"]:
                if str(item["reply"].pk) == canned_id:
                    context["reply_form"] = ReplyForm(
                        initial={"then": "open", "text": item["text"]}
                    )
    return render(request, "inbox/inbox.html", context, status=status)


@workspace_view(Perm.INBOX_VIEW)
def inbox(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return _page(request, access)


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def sync(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    """The refresh button: a worker fetches every account's new messages now."""
    from .ingest import request_workspace_sync

    count = request_workspace_sync(access.workspace)
    messages.success(
        request,
        ngettext(
            "Fetching new messages of %(count)d account: they appear in a moment.",
            "Fetching new messages of %(count)d accounts: they appear in a moment.",
            count,
        )
        % {"count": count},
    )
    return _back(access, None, request.POST.get("qs", ""))


@workspace_view(Perm.INBOX_VIEW)
def conversation_page(
    request: HttpRequest, access: Access, section: str, conversation_id: int
) -> HttpResponse:
    return _page(request, access, conversation_id)


def _action(
    request: HttpRequest, access: Access, conversation_id: int, call: Any, done: str
) -> HttpResponse:
    conversation = queries.conversation(access.workspace, conversation_id)
    try:
        call(conversation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return _back(access, conversation_id, request.POST.get("qs", ""))


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def assign(
    request: HttpRequest, access: Access, section: str, conversation_id: int
) -> HttpResponse:
    raw = request.POST.get("assignee", "")
    if raw == "me":
        assignee_id: int | None = access.user.pk
    else:
        valid = raw.isdigit() and len(raw) <= 18
        assignee_id = None if raw == "" else int(raw) if valid else -1  # -1: refused below
    return _action(
        request,
        access,
        conversation_id,
        lambda c: actions.assign(
            access=access, conversation=c, assignee_id=assignee_id, request=request
        ),
        _("Assignee changed."),
    )


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def set_status(
    request: HttpRequest, access: Access, section: str, conversation_id: int
) -> HttpResponse:
    status = request.POST.get("status", "")
    return _action(
        request,
        access,
        conversation_id,
        lambda c: actions.set_status(access=access, conversation=c, status=status, request=request),
        _("Status changed."),
    )


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def set_priority(
    request: HttpRequest, access: Access, section: str, conversation_id: int
) -> HttpResponse:
    raw = request.POST.get("priority", "")
    priority = int(raw) if raw.isdigit() else -1
    return _action(
        request,
        access,
        conversation_id,
        lambda c: actions.set_priority(
            access=access, conversation=c, priority=priority, request=request
        ),
        _("Priority changed."),
    )


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def label(request: HttpRequest, access: Access, section: str, conversation_id: int) -> HttpResponse:
    raw = request.POST.get("label_id", "")
    label_id = int(raw[:18]) if raw[:18].isdigit() else 0
    found = queries.workspace_labels(access.workspace).filter(pk=label_id).first()
    change = actions.remove_label if request.POST.get("op") == "remove" else actions.add_label

    def call(conversation: Conversation) -> None:
        if found is None:
            raise ValidationError({"label_id": _("No such label in this workspace.")})
        change(access=access, conversation=conversation, label=found, request=request)

    return _action(request, access, conversation_id, call, _("Labels changed."))


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def note(request: HttpRequest, access: Access, section: str, conversation_id: int) -> HttpResponse:
    text = request.POST.get("text", "")
    return _action(
        request,
        access,
        conversation_id,
        lambda c: actions.add_note(access=access, conversation=c, text=text, request=request),
        _("Note added."),
    )


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def reply(request: HttpRequest, access: Access, section: str, conversation_id: int) -> HttpResponse:
    conversation = queries.conversation(access.workspace, conversation_id)
    form = ReplyForm(request.POST)
    lint = None
    if form.is_valid():
        try:
            message = actions.reply(
                access=access,
                conversation=conversation,
                text=form.cleaned_data["text"],
                accept_warnings=form.cleaned_data["accept_warnings"],
                then_status=form.cleaned_data["then"],
                request=request,
            )
        except actions.ReplyBlocked as exc:
            form.add_error(None, " ".join(exc.messages))
            lint = _lint_result(exc.findings, form.cleaned_data["text"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            if message.send_state == message.SendState.FAILED:
                messages.error(
                    request,
                    _("The reply could not be sent: %(e)s")
                    % {"e": message.error_message or message.error_code},
                )
            else:
                messages.success(request, _("Reply sent."))
            return _back(access, conversation_id, request.POST.get("qs", ""))
    return _page(request, access, conversation_id, reply_form=form, lint=lint, status=422)


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def retry(request: HttpRequest, access: Access, section: str, message_id: int) -> HttpResponse:
    found = queries.message(access.workspace, message_id)
    try:
        sent = actions.retry_reply(access=access, message=found, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if sent.send_state == sent.SendState.FAILED:
            messages.error(request, _("The reply failed again."))
        else:
            messages.success(request, _("The reply is being sent again."))
    return _back(access, found.conversation_id, request.POST.get("qs", ""))


@require_POST
@workspace_view(Perm.INBOX_VIEW)
def presence(
    request: HttpRequest, access: Access, section: str, conversation_id: int
) -> HttpResponse:
    """The htmx heartbeat of an open conversation: answers with who else is here."""
    conversation = queries.conversation(access.workspace, conversation_id)
    typing = request.POST.get("typing") in ("1", "true", "on")
    actions.touch_presence(conversation, access.user, typing=typing)
    others = queries.others_present(conversation, access.user)
    return render(request, "inbox/_presence.html", {"present": others})


@require_POST
@workspace_view(Perm.INBOX_VIEW)
def lint_box(
    request: HttpRequest, access: Access, section: str, conversation_id: int
) -> HttpResponse:
    """The guidebook's findings as the agent types (htmx)."""
    conversation = queries.conversation(access.workspace, conversation_id)
    text = request.POST.get("text", "")[:5000]
    result = _lint_result(actions.lint(conversation, text), text) if text.strip() else None
    return render(request, "inbox/_lint.html", {"lint": result})


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def bulk(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit() and len(pk) <= 18]
    if request.POST.get("all_matching"):
        filters, _errors = _filters(access, QueryDict(request.POST.get("qs", "")))
        matching = queries.conversations(access, filters).values_list("pk", flat=True)
        ids = list(matching[: actions.BULK_LIMIT + 1])
    action = request.POST.get("action", "")
    value: Any = request.POST.get("value", "")
    if action == "assign" and value == "me":
        value = access.user.pk
    try:
        changed = actions.bulk(
            access=access, conversation_ids=ids, action=action, value=value, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d conversations changed.") % {"n": changed})
    return _back(access, None, request.POST.get("qs", ""))


@require_POST
@workspace_view(Perm.INBOX_VIEW)
def view_create(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = SavedViewForm(request.POST)
    qs = request.POST.get("qs", "")
    if form.is_valid():
        params = QueryDict(qs)
        try:
            view = actions.create_view(
                access=access,
                name=form.cleaned_data["name"],
                filters={name: params.get(name) for name in FILTER_NAMES if params.get(name)},
                shared=form.cleaned_data["shared"],
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    else:
        messages.error(request, _("Give the view a name."))
    return _back(access, None, qs)


@require_POST
@workspace_view(Perm.INBOX_VIEW)
def view_delete(request: HttpRequest, access: Access, section: str, view_id: int) -> HttpResponse:
    found = queries.saved_view(access, view_id)
    try:
        actions.delete_view(access=access, view=found, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("View deleted."))
    return _back(access, None, "")


# ---- labels and assignment rules ------------------------------------------------------------


def _settings(
    request: HttpRequest,
    access: Access,
    label_form: LabelForm | None = None,
    rule_form: RuleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    from socialops.channels.models import Channel

    channels = list(Channel.objects.filter(workspace=access.workspace).order_by("id"))
    members = queries.repliers(access.workspace)
    names = {user.pk: user.name or user.email for user in members}
    channel_names = {c.pk: c.display_name or c.handle for c in channels}
    rules = [
        {
            "rule": rule,
            "members": [names.get(pk, f"#{pk}") for pk in rule.member_ids],
            "channels": [channel_names.get(pk, f"#{pk}") for pk in rule.channel_ids],
        }
        for rule in queries.assignment_rules(access.workspace)
    ]
    context = {
        "labels": queries.workspace_labels(access.workspace),
        "rules": rules,
        "label_form": label_form or LabelForm(),
        "rule_form": rule_form or RuleForm(channels=channels, members=members),
        "may_manage": access.can(Perm.INBOX_MANAGE),
    }
    return render(request, "inbox/settings.html", context, status=status)


@workspace_view(Perm.INBOX_VIEW)
def settings_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return _settings(request, access)


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def label_create(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = LabelForm(request.POST)
    if form.is_valid():
        try:
            actions.create_label(access=access, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Label added."))
            return redirect("inbox_settings", access.workspace.slug)
    return _settings(request, access, label_form=form, status=422)


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def label_delete(request: HttpRequest, access: Access, section: str, label_id: int) -> HttpResponse:
    actions.delete_label(
        access=access, label=queries.label(access.workspace, label_id), request=request
    )
    messages.success(request, _("Label deleted."))
    return redirect("inbox_settings", access.workspace.slug)


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def rule_create(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    from socialops.channels.models import Channel

    channels = Channel.objects.filter(workspace=access.workspace).order_by("id")
    form = RuleForm(request.POST, channels=channels, members=queries.repliers(access.workspace))
    if form.is_valid():
        try:
            actions.create_rule(access=access, request=request, **form.values())
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Assignment rule added."))
            return redirect("inbox_settings", access.workspace.slug)
    return _settings(request, access, rule_form=form, status=422)


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def rule_change(
    request: HttpRequest, access: Access, section: str, assignment_rule_id: int
) -> HttpResponse:
    """Move up or down, switch on or off, or delete one rule."""
    rule = queries.assignment_rule(access.workspace, assignment_rule_id)
    op = request.POST.get("op", "")
    if op == "delete":
        actions.delete_rule(access=access, rule=rule, request=request)
    elif op == "toggle":
        actions.update_rule(access=access, rule=rule, enabled=not rule.enabled, request=request)
    elif op in ("up", "down"):
        ids = list(queries.assignment_rules(access.workspace).values_list("pk", flat=True))
        index = ids.index(rule.pk)
        other = index - 1 if op == "up" else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
            actions.reorder_rules(access=access, rule_ids=ids, request=request)
    messages.success(request, _("Assignment rules saved."))
    return redirect("inbox_settings", access.workspace.slug)
