"""Your notifications: not under a workspace, since they come from all of yours."""

from __future__ import annotations

from django.urls import path

from socialops.core import views_notifications as views

urlpatterns = [
    path("notifications/", views.notifications_page, name="notifications"),
    path("notifications/menu/", views.notifications_menu, name="notifications_menu"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path(
        "notifications/<int:notification_id>/open/",
        views.notification_open,
        name="notification_open",
    ),
]
