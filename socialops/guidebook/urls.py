"""Pages of the guidebook app, in the Interaction (互动) section."""

from __future__ import annotations

from django.urls import path

from socialops.guidebook import views

SECTION = {"section": "interaction"}
BOOK = "w/<slug:slug>/interaction/guidebook/"
REPLIES = "w/<slug:slug>/interaction/replies/"

urlpatterns = [
    path(BOOK, views.guidebook_page, SECTION, name="guidebook"),
    path(f"{BOOK}sections/new/", views.section_edit, SECTION, name="guidebook_section_new"),
    path(
        f"{BOOK}sections/<int:section_id>/",
        views.section_edit,
        SECTION,
        name="guidebook_section_edit",
    ),
    path(
        f"{BOOK}sections/<int:section_id>/delete/",
        views.section_delete,
        SECTION,
        name="guidebook_section_delete",
    ),
    path(f"{BOOK}history/", views.history_page, SECTION, name="guidebook_history"),
    path(f"{BOOK}rules/new/", views.rule_edit, SECTION, name="guidebook_rule_new"),
    path(f"{BOOK}rules/<int:rule_id>/", views.rule_edit, SECTION, name="guidebook_rule_edit"),
    path(
        f"{BOOK}rules/<int:rule_id>/toggle/",
        views.rule_toggle,
        SECTION,
        name="guidebook_rule_toggle",
    ),
    path(
        f"{BOOK}rules/<int:rule_id>/delete/",
        views.rule_delete,
        SECTION,
        name="guidebook_rule_delete",
    ),
    path(f"{BOOK}lint/", views.lint_fragment, SECTION, name="guidebook_lint_fragment"),
    path(REPLIES, views.canned_page, SECTION, name="canned_replies"),
    path(f"{REPLIES}new/", views.canned_create, SECTION, name="canned_reply_new"),
    path(f"{REPLIES}<int:reply_id>/", views.canned_edit, SECTION, name="canned_reply_edit"),
    path(
        f"{REPLIES}<int:reply_id>/delete/",
        views.canned_delete,
        SECTION,
        name="canned_reply_delete",
    ),
]
