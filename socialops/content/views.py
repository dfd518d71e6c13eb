"""Pages of the Content section: its landing, the publishing rules with a live lint box, pillars."""

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

from . import actions, queries
from .forms import FIELDS_OF_KIND, LintForm, PillarForm, RuleForm
from .highlight import highlighted
from .models import ContentPillar, EditorialRule
from .rules import Severity

SAMPLE_TEXT = "新品上市！关注微 博 @Acme官方 了解详情 https://example.com/a #新品#"


@workspace_view(Perm.CONTENT_VIEW)
def landing(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    rules = list(queries.workspace_rules(access.workspace))
    return render(
        request,
        "content/landing.html",
        {"rule_count": len(rules), "enabled_count": sum(1 for r in rules if r.enabled)},
    )


def _rules_context(access: Access, form: RuleForm | None = None) -> dict[str, Any]:
    return {
        "rules": queries.workspace_rules(access.workspace),
        "form": form
        or RuleForm(initial={"kind": "forbidden_words", "severity": "error", "scope": "posts"}),
        "lint_form": LintForm(initial={"platform": "weibo", "text": SAMPLE_TEXT}),
        "fields_of_kind": {str(kind): fields for kind, fields in FIELDS_OF_KIND.items()},
    }


@workspace_view(Perm.CONTENT_VIEW)
def rules_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    context = _rules_context(access)
    context["result"] = _lint_result(access, SAMPLE_TEXT, "weibo", paid=False)
    return render(request, "content/rules.html", context)


def _save(request: HttpRequest, access: Access, rule: EditorialRule | None) -> bool | RuleForm:
    """Create or update from the posted form; True on success, else the form with errors."""
    form = RuleForm(request.POST)
    if not form.is_valid():
        return form
    data = form.cleaned_data
    try:
        if rule is None:
            actions.create_rule(
                access=access,
                kind=data["kind"],
                name=data["name"],
                params=form.params(),
                severity=data["severity"],
                applies_to=data["applies_to"],
                scope=data["scope"] or EditorialRule.Scope.POSTS,
                reply_kinds=data["reply_kinds"],
                request=request,
            )
        else:
            actions.update_rule(
                access=access,
                rule=rule,
                name=data["name"],
                params=form.params(),
                severity=data["severity"],
                applies_to=data["applies_to"],
                scope=data["scope"] or rule.scope,
                reply_kinds=data["reply_kinds"],
                request=request,
            )
    except ValidationError as exc:
        form.add_action_errors(exc)
        return form
    return True


@require_POST
@workspace_view(Perm.CONTENT_APPROVE)
def rule_create(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    saved = _save(request, access, None)
    if saved is True:
        messages.success(request, _("Rule added."))
        return redirect("content_rules", access.workspace.slug)
    context = _rules_context(access, saved if isinstance(saved, RuleForm) else None)
    context["result"] = _lint_result(access, SAMPLE_TEXT, "weibo", paid=False)
    return render(request, "content/rules.html", context, status=422)


@workspace_view(Perm.CONTENT_APPROVE)
def rule_edit(request: HttpRequest, access: Access, section: str, rule_id: int) -> HttpResponse:
    rule = queries.rule(access.workspace, rule_id, request)
    if request.method == "POST":
        saved = _save(request, access, rule)
        if saved is True:
            messages.success(request, _("Rule saved."))
            return redirect("content_rules", access.workspace.slug)
        form = saved if isinstance(saved, RuleForm) else RuleForm()
        status = 422
    else:
        form = RuleForm(initial=RuleForm.initial_of(rule))
        status = 200
    form.fields["kind"].disabled = True
    context = {
        "rule": rule,
        "form": form,
        "fields_of_kind": {str(k): f for k, f in FIELDS_OF_KIND.items()},
    }
    return render(request, "content/rule_edit.html", context, status=status)


@require_POST
@workspace_view(Perm.CONTENT_APPROVE)
def rule_toggle(request: HttpRequest, access: Access, section: str, rule_id: int) -> HttpResponse:
    rule = queries.rule(access.workspace, rule_id, request)
    actions.set_rule_enabled(access=access, rule=rule, enabled=not rule.enabled, request=request)
    return redirect("content_rules", access.workspace.slug)


@require_POST
@workspace_view(Perm.CONTENT_APPROVE)
def rule_delete(request: HttpRequest, access: Access, section: str, rule_id: int) -> HttpResponse:
    rule = queries.rule(access.workspace, rule_id, request)
    actions.delete_rule(access=access, rule=rule, request=request)
    messages.success(request, _("Rule deleted."))
    return redirect("content_rules", access.workspace.slug)


def _lint_result(access: Access, text: str, platform: str, *, paid: bool) -> dict[str, Any]:
    findings = queries.lint_for(access.workspace, text, platform=platform, paid=paid)
    return {
        "text": text,
        "findings": findings,
        "segments": highlighted(text, findings),
        "errors": sum(1 for f in findings if f.severity == Severity.ERROR),
        "warnings": sum(1 for f in findings if f.severity == Severity.WARNING),
    }


@require_POST
@workspace_view(Perm.CONTENT_VIEW)
def lint_box(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = LintForm(request.POST)
    if not form.is_valid():
        return render(request, "content/_lint_result.html", {"invalid": True}, status=422)
    data = form.cleaned_data
    result = _lint_result(access, data["text"], data["platform"], paid=data["paid"])
    return render(request, "content/_lint_result.html", {"result": result})


# Content pillars (内容构成) ---------------------------------------------------------------------


def _pillars_context(access: Access, form: PillarForm | None = None) -> dict[str, Any]:
    pillars = list(queries.workspace_pillars(access.workspace))
    allocated = sum(p.target_share for p in pillars)
    free = max(0, 100 - allocated)
    return {
        "pillars": pillars,
        "archived": queries.workspace_pillars(access.workspace, archived=True),
        "allocated": allocated,
        "unallocated": free,
        "form": form or PillarForm(initial={"target_share": min(free, 10)}),
    }


@workspace_view(Perm.CONTENT_VIEW)
def pillars_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(request, "content/pillars.html", _pillars_context(access))


def _save_pillar(
    request: HttpRequest, access: Access, pillar: ContentPillar | None
) -> PillarForm | None:
    """Create or update from the posted form; None on success, else the form with errors."""
    form = PillarForm(request.POST)
    if not form.is_valid():
        return form
    data = form.cleaned_data
    try:
        if pillar is None:
            actions.create_pillar(access=access, request=request, **data)
        else:
            actions.update_pillar(access=access, pillar=pillar, request=request, **data)
    except ValidationError as exc:
        form.add_action_errors(exc)
        return form
    return None


@require_POST
@workspace_view(Perm.CONTENT_APPROVE)
def pillar_create(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = _save_pillar(request, access, None)
    if form is None:
        messages.success(request, _("Pillar added."))
        return redirect("content_pillars", access.workspace.slug)
    return render(request, "content/pillars.html", _pillars_context(access, form), status=422)


@workspace_view(Perm.CONTENT_APPROVE)
def pillar_edit(request: HttpRequest, access: Access, section: str, pillar_id: int) -> HttpResponse:
    pillar = queries.pillar(access.workspace, pillar_id)
    status = 200
    if request.method == "POST":
        form = _save_pillar(request, access, pillar)
        if form is None:
            messages.success(request, _("Pillar saved."))
            return redirect("content_pillars", access.workspace.slug)
        status = 422
    else:
        form = PillarForm(
            initial={
                "name": pillar.name,
                "description": pillar.description,
                "colour": pillar.colour,
                "target_share": pillar.target_share,
            }
        )
    free = 100 - queries.allocated_share(access.workspace, exclude=pillar.pk)
    context = {"pillar": pillar, "form": form, "available": max(0, free)}
    return render(request, "content/pillar_edit.html", context, status=status)


@require_POST
@workspace_view(Perm.CONTENT_APPROVE)
def pillar_archive(
    request: HttpRequest, access: Access, section: str, pillar_id: int
) -> HttpResponse:
    pillar = queries.pillar(access.workspace, pillar_id)
    try:
        actions.update_pillar(
            access=access, pillar=pillar, archived=not pillar.archived, request=request
        )
    except ValidationError as exc:  # restoring past 100%
        messages.error(request, " ".join(exc.messages))
    return redirect("content_pillars", access.workspace.slug)


@require_POST
@workspace_view(Perm.CONTENT_APPROVE)
def pillar_move(request: HttpRequest, access: Access, section: str, pillar_id: int) -> HttpResponse:
    pillar = queries.pillar(access.workspace, pillar_id)
    step = -1 if request.POST.get("direction") == "up" else 1
    try:
        actions.move_pillar(access=access, pillar=pillar, step=step, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("content_pillars", access.workspace.slug)


@require_POST
@workspace_view(Perm.CONTENT_APPROVE)
def pillar_defaults(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    try:
        added = actions.load_default_pillars(access=access, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if added:
            messages.success(request, _("Suggested pillars added: %(n)s.") % {"n": len(added)})
        else:
            messages.info(request, _("This workspace already has every suggested pillar."))
    return redirect("content_pillars", access.workspace.slug)
