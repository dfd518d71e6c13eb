"""The Content section; "section" marks the top navigation's 内容 link as active."""

from __future__ import annotations

from django.urls import path

from socialops.content import views

SECTION = {"section": "content"}

urlpatterns = [
    path("w/<slug:slug>/content/", views.landing, SECTION, name="content"),
    path("w/<slug:slug>/content/rules/", views.rules_page, SECTION, name="content_rules"),
    path("w/<slug:slug>/content/rules/new/", views.rule_create, SECTION, name="content_rule_new"),
    path(
        "w/<slug:slug>/content/rules/<int:rule_id>/",
        views.rule_edit,
        SECTION,
        name="content_rule_edit",
    ),
    path(
        "w/<slug:slug>/content/rules/<int:rule_id>/toggle/",
        views.rule_toggle,
        SECTION,
        name="content_rule_toggle",
    ),
    path(
        "w/<slug:slug>/content/rules/<int:rule_id>/delete/",
        views.rule_delete,
        SECTION,
        name="content_rule_delete",
    ),
    path("w/<slug:slug>/content/lint/", views.lint_box, SECTION, name="content_lint"),
]
