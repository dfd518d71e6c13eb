"""The guidebook (行为指导手册) and canned replies pages, in the Interaction (互动) section."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.channels.queries import workspace_channels
from socialops.content import actions as content_actions
from socialops.content.forms import FIELDS_OF_KIND, RuleForm
from socialops.content.highlight import highlighted
from socialops.content.models import EditorialRule
from socialops.content.rules import Finding, Severity

from . import actions, queries
from .canned import render_sample
from .forms import CannedForm, ReplyCheckForm, SectionForm, add_action_errors
from .lint import lint_reply
from .markup import render as render_markup
from .models import Section

SAMPLE_REPLY = "您好，非常抱歉给您带来不便！请私信我们您的订单号 {订单号}，我们马上处理。"


# The guidebook -------------------------------------------------------------------------------


@workspace_view(Perm.INBOX_VIEW)
def guidebook_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    sections = [
        {"section": row, "html": render_markup(row.body)}
        for row in queries.sections(access.workspace)
    ]
    channels = list(workspace_channels(access.workspace))
    context: dict[str, Any] = {
        "sections": sections,
        "rules": queries.reply_rules(access.workspace),
        "channels": channels,
        "sample": SAMPLE_REPLY,
        "response_time": Section.RESPONSE_TIME,
        "last_change": queries.history(access.workspace, limit=1).first(),
    }
    if channels:
        context["result"] = _check(access, channels[0].pk, "comment", SAMPLE_REPLY)
    return render(request, "guidebook/guidebook.html", context)


@workspace_view(Perm.INBOX_MANAGE)
def section_edit(
    request: HttpRequest, access: Access, section: str, section_id: int | None = None
) -> HttpResponse:
    found = queries.section(access.workspace, section_id) if section_id else None
    status = 200
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            try:
                actions.save_section(
                    access=access,
                    section=found,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    request=request,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Guidebook saved."))
                return redirect("guidebook", access.workspace.slug)
        status = 422
    elif found is not None:
        form = SectionForm(initial={"title": found.title, "body": found.body})
    else:
        form = SectionForm()
    context = {"found": found, "form": form}
    return render(request, "guidebook/section_edit.html", context, status=status)


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def section_delete(
    request: HttpRequest, access: Access, section: str, section_id: int
) -> HttpResponse:
    found = queries.section(access.workspace, section_id)
    try:
        actions.delete_section(access=access, section=found, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Section deleted."))
    return redirect("guidebook", access.workspace.slug)


@workspace_view(Perm.INBOX_VIEW)
def history_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(request, "guidebook/history.html", {"events": queries.history(access.workspace)})


# The guidebook's rules (the editorial rules with scope replies or both) -----------------------


def _rule_context(form: RuleForm, rule: EditorialRule | None) -> dict[str, Any]:
    return {
        "rule": rule,
        "form": form,
        "fields_of_kind": {str(kind): fields for kind, fields in FIELDS_OF_KIND.items()},
    }


@workspace_view(Perm.INBOX_MANAGE)
def rule_edit(
    request: HttpRequest, access: Access, section: str, rule_id: int | None = None
) -> HttpResponse:
    rule = queries.reply_rule(access.workspace, rule_id) if rule_id else None
    status = 200
    if request.method == "POST":
        posted = request.POST.copy()
        if rule is not None:
            posted["kind"] = rule.kind  # the kind of a rule stays
        form = RuleForm(posted)
        if form.is_valid():
            data = form.cleaned_data
            values = {
                "name": data["name"],
                "params": form.params(),
                "severity": data["severity"],
                "applies_to": data["applies_to"],
                "scope": data["scope"] or EditorialRule.Scope.REPLIES,
                "reply_kinds": data["reply_kinds"],
            }
            try:
                if rule is None:
                    content_actions.create_rule(
                        access=access, kind=data["kind"], request=request, **values
                    )
                else:
                    content_actions.update_rule(access=access, rule=rule, request=request, **values)
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("Rule saved."))
                return redirect("guidebook", access.workspace.slug)
        status = 422
    elif rule is not None:
        form = RuleForm(initial=RuleForm.initial_of(rule))
    else:
        form = RuleForm(
            initial={"kind": "forbidden_words", "severity": "error", "scope": "replies"}
        )
    if rule is not None:
        form.fields["kind"].disabled = True
    form.fields["scope"].choices = [  # type: ignore[attr-defined]
        (value, label)
        for value, label in EditorialRule.Scope.choices
        if value != EditorialRule.Scope.POSTS or (rule and rule.scope == value)
    ]
    return render(request, "guidebook/rule_edit.html", _rule_context(form, rule), status=status)


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def rule_toggle(request: HttpRequest, access: Access, section: str, rule_id: int) -> HttpResponse:
    rule = queries.reply_rule(access.workspace, rule_id)
    content_actions.set_rule_enabled(
        access=access, rule=rule, enabled=not rule.enabled, request=request
    )
    return redirect("guidebook", access.workspace.slug)


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def rule_delete(request: HttpRequest, access: Access, section: str, rule_id: int) -> HttpResponse:
    rule = queries.reply_rule(access.workspace, rule_id)
    content_actions.delete_rule(access=access, rule=rule, request=request)
    messages.success(request, _("Rule deleted."))
    return redirect("guidebook", access.workspace.slug)


# Checking a reply (the inbox's reply box calls this through htmx) ---------------------------


def _result(text: str, findings: list[Finding]) -> dict[str, Any]:
    return {
        "text": text,
        "findings": findings,
        "segments": highlighted(text, findings),
        "errors": sum(1 for f in findings if f.severity == Severity.ERROR),
        "warnings": sum(1 for f in findings if f.severity == Severity.WARNING),
    }


def _check(access: Access, channel_id: int, kind: str, text: str) -> dict[str, Any]:
    channel = queries.channel(access.workspace, channel_id)
    findings = lint_reply(access.workspace, platform=channel.platform, kind=kind, text=text)
    return _result(text, findings)


@require_POST
@workspace_view(Perm.INBOX_VIEW)
def lint_fragment(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    """POST channel_id, kind, text: the findings with positions and fixes, as an HTML fragment."""
    form = ReplyCheckForm(request.POST)
    if not form.is_valid():
        return render(request, "guidebook/_lint_fragment.html", {"invalid": True}, status=422)
    data = form.cleaned_data
    result = _check(access, data["channel_id"], data["kind"], data["text"])
    return render(request, "guidebook/_lint_fragment.html", {"result": result})


# Canned replies ------------------------------------------------------------------------------


def _canned_context(access: Access, form: CannedForm | None = None) -> dict[str, Any]:
    replies = [
        {"reply": reply, "sample": render_sample(reply.body)}
        for reply in queries.canned_replies(access.workspace)
    ]
    return {"replies": replies, "form": form or CannedForm()}


@workspace_view(Perm.INBOX_VIEW)
def canned_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(request, "guidebook/canned.html", _canned_context(access))


def _save_canned(request: HttpRequest, access: Access, reply: Any) -> CannedForm | None:
    form = CannedForm(request.POST)
    if not form.is_valid():
        return form
    values = {**form.cleaned_data, "purpose": form.cleaned_data["purpose"] or ""}
    try:
        if reply is None:
            actions.create_canned(access=access, request=request, **values)
        else:
            actions.update_canned(access=access, reply=reply, request=request, **values)
    except ValidationError as exc:
        add_action_errors(form, exc)
        return form
    return None


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def canned_create(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = _save_canned(request, access, None)
    if form is None:
        messages.success(request, _("Canned reply added."))
        return redirect("canned_replies", access.workspace.slug)
    return render(request, "guidebook/canned.html", _canned_context(access, form), status=422)


@workspace_view(Perm.INBOX_MANAGE)
def canned_edit(request: HttpRequest, access: Access, section: str, reply_id: int) -> HttpResponse:
    reply = queries.canned_reply(access.workspace, reply_id)
    status = 200
    if request.method == "POST":
        form = _save_canned(request, access, reply)
        if form is None:
            messages.success(request, _("Canned reply saved."))
            return redirect("canned_replies", access.workspace.slug)
        status = 422
    else:
        form = CannedForm(initial=CannedForm.initial_of(reply))
    context = {"reply": reply, "form": form}
    return render(request, "guidebook/canned_edit.html", context, status=status)


@require_POST
@workspace_view(Perm.INBOX_MANAGE)
def canned_delete(
    request: HttpRequest, access: Access, section: str, reply_id: int
) -> HttpResponse:
    reply = queries.canned_reply(access.workspace, reply_id)
    actions.delete_canned(access=access, reply=reply, request=request)
    messages.success(request, _("Canned reply deleted."))
    return redirect("canned_replies", access.workspace.slug)
