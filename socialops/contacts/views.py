"""The contacts pages (互动资料库) and the engagement queue, in the Interaction section."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.content.imports import decode
from socialops.core.errors import ApiError

from . import actions, engagement, platforms, queries, tiers
from .forms import ActForm, ContactForm, IdentityForm, ImportForm, add_action_errors
from .imports import COLUMNS, MAX_BYTES, MAX_ROWS, ContactPlan, export_rows
from .models import Contact, EngagementTask

PAGE_SIZE = 50
SAMPLE = (
    "name,kind,importance,organisation,tags,notes,platform,handle,remote_id,url\n"
    "张三,media,2,科技日报,科技；数码,跑数码线,weibo,zhangsan,1001,https://weibo.com/u/1001\n"
    "张三,media,2,科技日报,,,wechat,zhangsan_news,,\n"
    "\n"
    "name,kind,微博,sandbox\n"
    "李四,expert,lisi_tech；lisi2,wb016_6199\n"
)


def _filters(request: HttpRequest) -> dict[str, Any]:
    get = request.GET
    importance = get.get("importance", "")
    return {
        "q": get.get("q", "")[:200],
        "kind": get.get("kind", "") if get.get("kind") in Contact.Kind.values else "",
        "tag": get.get("tag", "")[:40],
        "importance": int(importance) if importance in ("0", "1", "2", "3") else None,
        "platform": get.get("platform", "")[:40],
        "tier": get.get("tier", "") if get.get("tier") in (*tiers.LABELS, "none") else "",
    }


@require_safe
@workspace_view(Perm.CONTACTS_VIEW)
def contact_list(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    filters = _filters(request)
    found = queries.workspace_contacts(access.workspace, **filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "kinds": Contact.Kind.choices,
        "importances": Contact.Importance.choices,
        "platforms": platforms.choices(),
        "tiers": [(key, label) for key, label in tiers.LABELS.items() if key],
        "tags": queries.workspace_tags(access.workspace),
        "tier_labels": tiers.LABELS,
        "tier_badges": tiers.BADGES,
    }
    return render(request, "contacts/list.html", context)


def _prefill(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """The "add as contact" link from the inbox: ?platform=&remote_id=&handle=&name="""
    get = request.GET
    contact = {"name": get.get("name", "")[:200] or get.get("handle", "")[:200]}
    identity = {key: get.get(key, "")[:200] for key in ("platform", "remote_id", "handle")}
    return contact, identity


@workspace_view(Perm.CONTACTS_EDIT)
def contact_new(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST)
        identity_form = IdentityForm(request.POST, prefix="identity", optional=True)
        if form.is_valid() and identity_form.is_valid():
            identity = identity_form.identity()
            try:
                contact = actions.create_contact(
                    access=access,
                    identities=[identity] if identity else [],
                    request=request,
                    **form.contact_values(),
                )
            except ValidationError as exc:
                add_action_errors(form, exc, skip="identities.")
                add_action_errors(identity_form, exc, prefix="identities.0.")
            else:
                messages.success(request, _("Contact added."))
                return redirect("contact_detail", access.workspace.slug, contact.pk)
        status = 422
    else:
        contact_initial, identity = _prefill(request)
        form = ContactForm(initial=contact_initial)
        identity_form = IdentityForm(initial=identity, prefix="identity", optional=True)
    context = {"form": form, "identity_form": identity_form}
    return render(request, "contacts/form.html", context, status=status)


@require_safe
@workspace_view(Perm.CONTACTS_VIEW)
def contact_detail(
    request: HttpRequest, access: Access, section: str, contact_id: int
) -> HttpResponse:
    contact = queries.contact(access.workspace, contact_id)
    cursor = request.GET.get("cursor") or None
    try:
        events, next_cursor = queries.timeline(contact, cursor=cursor)
    except ApiError:  # a damaged cursor in the address: start from the top
        events, next_cursor = queries.timeline(contact)
    context = {
        "contact": contact,
        "identities": list(contact.identities.all()),
        "events": [queries.describe(event) | {"item": event.item} for event in events],
        "next_cursor": next_cursor,
        "identity_form": IdentityForm(prefix="identity"),
        "tier_label": tiers.LABELS.get(contact.tier, ""),
        "tier_badge": tiers.BADGES.get(contact.tier, "text-bg-secondary"),
    }
    return render(request, "contacts/detail.html", context)


@workspace_view(Perm.CONTACTS_EDIT)
def contact_edit(
    request: HttpRequest, access: Access, section: str, contact_id: int
) -> HttpResponse:
    contact = queries.contact(access.workspace, contact_id)
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                actions.update_contact(
                    access=access, contact=contact, request=request, **form.contact_values()
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Contact saved."))
                return redirect("contact_detail", access.workspace.slug, contact.pk)
        status = 422
    else:
        form = ContactForm(initial=ContactForm.initial_of(contact))
    return render(request, "contacts/form.html", {"form": form, "contact": contact}, status=status)


@require_POST
@workspace_view(Perm.CONTACTS_EDIT)
def contact_delete(
    request: HttpRequest, access: Access, section: str, contact_id: int
) -> HttpResponse:
    contact = queries.contact(access.workspace, contact_id)
    actions.delete_contact(access=access, contact=contact, request=request)
    messages.success(request, _("Contact deleted."))
    return redirect("contacts", access.workspace.slug)


@require_POST
@workspace_view(Perm.CONTACTS_EDIT)
def identity_add(
    request: HttpRequest, access: Access, section: str, contact_id: int
) -> HttpResponse:
    contact = queries.contact(access.workspace, contact_id)
    form = IdentityForm(request.POST, prefix="identity")
    problem = ""
    if form.is_valid():
        identity = form.identity() or {}
        try:
            actions.add_identity(access=access, contact=contact, request=request, **identity)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            messages.success(request, _("Account added; its inbox conversations are linked."))
    else:
        problem = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if problem:
        messages.error(request, problem)
    return redirect("contact_detail", access.workspace.slug, contact.pk)


@require_POST
@workspace_view(Perm.CONTACTS_EDIT)
def identity_remove(
    request: HttpRequest, access: Access, section: str, contact_id: int, identity_id: int
) -> HttpResponse:
    contact = queries.contact(access.workspace, contact_id)
    identity = queries.identity(contact, identity_id)
    actions.remove_identity(access=access, identity=identity, request=request)
    messages.success(request, _("Account removed."))
    return redirect("contact_detail", access.workspace.slug, contact.pk)


def _row_key(key: str) -> tuple[int, str]:
    found = re.match(r"row (\d+)", key)
    return (int(found.group(1)) if found else 0, key)


def _import_text(form: ImportForm) -> str:
    upload = form.cleaned_data.get("file")
    if upload is not None:
        if upload.size > MAX_BYTES:
            raise ValidationError({"csv": _("The file is too large.")})
        return decode(upload.read())
    text = str(form.cleaned_data.get("csv") or "")
    if not text.strip():
        raise ValidationError({"csv": _("Choose a file or paste the CSV.")})
    return text


@workspace_view(Perm.CONTACTS_EDIT)
def contact_import(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "form": form,
        "columns": list(COLUMNS),
        "max_rows": MAX_ROWS,
        "sample": SAMPLE,
    }
    if request.method == "POST" and form.is_valid():
        dry_run = "preview" in request.POST
        plans: list[ContactPlan] = []
        try:
            text = _import_text(form)
            plans = actions.import_contacts(
                access=access, data=text, dry_run=dry_run, request=request
            )
        except ValidationError as exc:
            problems = exc.message_dict if hasattr(exc, "error_dict") else {"csv": exc.messages}
            context["problems"] = sorted(
                ((key, " ".join(msgs)) for key, msgs in problems.items()),
                key=lambda item: _row_key(item[0]),
            )
            return render(request, "contacts/import.html", context, status=422)
        if not dry_run:
            messages.success(request, _("Imported %(count)d contacts.") % {"count": len(plans)})
            return redirect("contacts", access.workspace.slug)
        context["preview"] = plans
        context["form"] = ImportForm(initial={"csv": text})
    return render(request, "contacts/import.html", context)


@require_safe
@workspace_view(Perm.CONTACTS_VIEW)
def contact_export(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    response = StreamingHttpResponse(
        export_rows(access.workspace), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="contacts.csv"'
    return response  # type: ignore[return-value]  # streamed, served like any other


@require_safe
@workspace_view(Perm.CONTACTS_VIEW)
def top_fans(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    days = request.GET.get("days", "30")
    days_int = int(days) if days in ("7", "30", "90") else 30
    kind = request.GET.get("kind", "fan")
    kind = kind if kind in Contact.Kind.values or kind == "" else "fan"
    ranked = queries.top_fans(access.workspace, days=days_int, kind=kind)
    context = {
        "fans": ranked,
        "days": days_int,
        "periods": queries.TOP_FAN_PERIODS,
        "kind": kind,
        "kinds": Contact.Kind.choices,
        "tier_labels": tiers.LABELS,
        "tier_badges": tiers.BADGES,
        "thresholds": tiers.THRESHOLDS,
    }
    return render(request, "contacts/top_fans.html", context)


# ---- engagement ------------------------------------------------------------------------------


def _engage_context(
    access: Access,
    request: HttpRequest,
    forms: dict[int, ActForm] | None = None,
    findings: dict[int, Any] | None = None,
) -> dict[str, Any]:
    state = request.GET.get("state", "open")
    state = state if state in EngagementTask.State.values or state == "all" else "open"
    tasks = list(
        queries.engagement_tasks(access.workspace, state="" if state == "all" else state)[:100]
    )
    forms = forms or {}
    rows = []
    for task in tasks:
        form = forms.get(task.pk) or ActForm(
            initial={"action": task.action, "text": task.draft}, auto_id=f"t{task.pk}-%s"
        )
        rows.append(
            {
                "task": task,
                "form": form,
                "can_send": engagement.can_send(task, task.action),
                "reason": engagement.explain(task),
                "findings": (findings or {}).get(task.pk),
            }
        )
    return {
        "rows": rows,
        "state": state,
        "states": EngagementTask.State.choices,
        "counts": queries.engagement_counts(access.workspace),
    }


@require_safe
@workspace_view(Perm.CONTACTS_VIEW)
def engage(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(request, "contacts/engage.html", _engage_context(access, request))


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def engage_act(request: HttpRequest, access: Access, section: str, task_id: int) -> HttpResponse:
    """One form per task: check the text, send it through the account, or mark it done by hand."""
    task = queries.engagement_task(access.workspace, task_id)
    form = ActForm(request.POST, auto_id=f"t{task.pk}-%s")
    if not form.is_valid():
        context = _engage_context(access, request, {task.pk: form})
        return render(request, "contacts/engage.html", context, status=422)
    action, text = form.cleaned_data["action"], form.cleaned_data.get("text") or ""
    intent = request.POST.get("intent", "check")
    try:
        if intent == "send":
            done = engagement.act(
                access=access, task=task, action=action, text=text, request=request
            )
            if done.state == EngagementTask.State.DONE:
                messages.success(request, _("Done through the account."))
            else:
                messages.error(request, done.error)
        elif intent == "hand":
            engagement.complete_by_hand(
                access=access,
                task=task,
                action=action,
                text=text,
                result_url=form.cleaned_data.get("result_url") or "",
                request=request,
            )
            messages.success(request, _("Marked done."))
        else:
            checked, findings = engagement.prepare(task, action, text)
            form = ActForm(
                initial={"action": action, "text": checked, "result_url": ""},
                auto_id=f"t{task.pk}-%s",
            )
            context = _engage_context(access, request, {task.pk: form}, {task.pk: findings})
            return render(request, "contacts/engage.html", context)
    except ValidationError as exc:
        add_action_errors(form, exc)
        context = _engage_context(access, request, {task.pk: form})
        return render(request, "contacts/engage.html", context, status=422)
    return redirect("engage", access.workspace.slug)


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def engage_skip(request: HttpRequest, access: Access, section: str, task_id: int) -> HttpResponse:
    task = queries.engagement_task(access.workspace, task_id)
    try:
        engagement.skip(access=access, task=task, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("engage", access.workspace.slug)


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def engage_reopen(request: HttpRequest, access: Access, section: str, task_id: int) -> HttpResponse:
    task = queries.engagement_task(access.workspace, task_id)
    try:
        engagement.reopen(access=access, task=task, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("engage", access.workspace.slug)


@require_POST
@workspace_view(Perm.INBOX_REPLY)
def engage_discover(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    created = engagement.discover(access.workspace)
    messages.success(request, _("%(n)d new posts to engage with.") % {"n": created})
    return redirect("engage", access.workspace.slug)
