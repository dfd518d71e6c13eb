"""Health, the audit log page, the section landing pages and error pages."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core import audit
from socialops.core.errors import error_response
from socialops.core.middleware import is_api
from socialops.core.queries import (
    AuditFilter,
    audit_actions,
    audit_events,
    database_ok,
    worker_status,
)

# The Platform and Content sections have their own pages (socialops/platforms/urls.py and
# socialops/content/urls.py, before these).
SECTIONS = {
    "interaction": (_("Interaction"), Perm.INBOX_VIEW),
    "analytics": (_("Analytics"), Perm.ANALYTICS_VIEW),
}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = database_ok()
    worker = worker_status() if db_ok else {"ok": False, "status": "unknown"}
    body = {
        "status": "ok" if db_ok and worker["ok"] else ("degraded" if db_ok else "down"),
        "database": {"ok": db_ok, "detail": db_detail},
        "worker": worker,
    }
    return JsonResponse(body, status=200 if db_ok else 503)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    actor = forms.CharField(label=_("Who"), required=False, max_length=254)
    target_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@workspace_view(Perm.AUDIT_VIEW)
def audit_log(request: HttpRequest, access: Access) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    flt = AuditFilter()
    if form.is_valid():
        data = form.cleaned_data
        tz = timezone.get_current_timezone()
        flt = AuditFilter(
            action=data["action"],
            actor=data["actor"],
            target_type=data["target_type"],
            since=datetime.combine(data["since"], time.min, tzinfo=tz) if data["since"] else None,
            until=datetime.combine(data["until"], time.max, tzinfo=tz) if data["until"] else None,
        )
    page = Paginator(audit_events(access.workspace.pk, flt), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page": page,
            "actions": audit_actions(access.workspace.pk),
            "query": query.urlencode(),
        },
        status=200 if form.is_valid() or not request.GET else 422,
    )


@workspace_view()
def section(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    if section not in SECTIONS:
        raise Http404("No such section.")
    title, perm = SECTIONS[section]
    access.require(perm, request)
    return render(request, f"core/section_{section}.html", {"section": section, "title": title})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return error_response(400, "bad_request", "The request could not be understood.")
    return render(request, "400.html", status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return error_response(403, "forbidden", str(exception or "") or "You may not do this.")
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return error_response(404, "not_found", "Not found.")
    return render(request, "404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form post without a valid CSRF token: log it, then Django's own 403 page."""
    audit.record(
        action="security.csrf_failed",
        request=request,
        after={"path": request.path, "method": request.method or "", "reason": reason},
    )
    if is_api(request):
        return error_response(403, "csrf_failed", "CSRF verification failed.")
    return django_csrf_failure(request, reason)
