"""Your notifications: the bell's dropdown (htmx), the full list, marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from socialops.core import notifications

MENU_SIZE = 10


def _menu(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/_notification_menu.html",
        {
            "items": notifications.latest(request.user, MENU_SIZE),  # type: ignore[arg-type]
            "unread": notifications.unread_count(request.user),  # type: ignore[arg-type]
        },
    )


@login_required
@require_GET
def notifications_page(request: HttpRequest) -> HttpResponse:
    rows = notifications.notifications_of(request.user).order_by("-rank")  # type: ignore[arg-type]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications.html",
        {"page": page, "unread": notifications.unread_count(request.user)},  # type: ignore[arg-type]
    )


@login_required
@require_GET
def notifications_menu(request: HttpRequest) -> HttpResponse:
    """The bell's dropdown: the latest ten, unread first."""
    return _menu(request)


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark it read and go to what it is about."""
    found = notifications.notification(request.user, notification_id)  # type: ignore[arg-type]
    notifications.mark_read(notification=found)
    safe = url_has_allowed_host_and_scheme(
        found.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(found.url if found.url and safe else "notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    notifications.mark_all_read(user=request.user)  # type: ignore[arg-type]
    if request.headers.get("HX-Request"):
        return _menu(request)
    return redirect("notifications")
