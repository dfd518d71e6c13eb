"""Pages of the inbox app, in the Interaction (互动) section: the inbox is its landing page."""

from __future__ import annotations

from django.urls import path

from socialops.inbox import views

SECTION = {"section": "interaction"}
BASE = "w/<slug:slug>/interaction/"
ONE = f"{BASE}c/<int:conversation_id>/"

urlpatterns = [
    path(BASE, views.inbox, SECTION, name="inbox"),
    path(f"{BASE}sync/", views.sync, SECTION, name="inbox_sync"),
    path(ONE, views.conversation_page, SECTION, name="inbox_conversation"),
    path(f"{ONE}assign/", views.assign, SECTION, name="inbox_assign"),
    path(f"{ONE}status/", views.set_status, SECTION, name="inbox_status"),
    path(f"{ONE}priority/", views.set_priority, SECTION, name="inbox_priority"),
    path(f"{ONE}labels/", views.label, SECTION, name="inbox_label"),
    path(f"{ONE}notes/", views.note, SECTION, name="inbox_note"),
    path(f"{ONE}reply/", views.reply, SECTION, name="inbox_reply"),
    path(f"{ONE}presence/", views.presence, SECTION, name="inbox_presence"),
    path(f"{ONE}lint/", views.lint_box, SECTION, name="inbox_lint"),
    path(f"{BASE}m/<int:message_id>/retry/", views.retry, SECTION, name="inbox_retry"),
    path(f"{BASE}bulk/", views.bulk, SECTION, name="inbox_bulk"),
    path(f"{BASE}views/new/", views.view_create, SECTION, name="inbox_view_new"),
    path(
        f"{BASE}views/<int:view_id>/delete/", views.view_delete, SECTION, name="inbox_view_delete"
    ),
    path(f"{BASE}inbox-settings/", views.settings_page, SECTION, name="inbox_settings"),
    path(f"{BASE}inbox-settings/labels/", views.label_create, SECTION, name="inbox_label_new"),
    path(
        f"{BASE}inbox-settings/labels/<int:label_id>/delete/",
        views.label_delete,
        SECTION,
        name="inbox_label_delete",
    ),
    path(f"{BASE}inbox-settings/rules/", views.rule_create, SECTION, name="inbox_rule_new"),
    path(
        f"{BASE}inbox-settings/rules/<int:assignment_rule_id>/",
        views.rule_change,
        SECTION,
        name="inbox_rule_change",
    ),
]
