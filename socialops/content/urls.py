"""The Content section; "section" marks the top navigation's 内容 link as active."""

from __future__ import annotations

from django.urls import path

from socialops.content import views, views_posts

SECTION = {"section": "content"}

urlpatterns = [
    path(
        "w/<slug:slug>/content/posts/<int:post_id>/",
        views_posts.post_detail,
        SECTION,
        name="content_post",
    ),
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
    path("w/<slug:slug>/content/pillars/", views.pillars_page, SECTION, name="content_pillars"),
    path(
        "w/<slug:slug>/content/pillars/new/",
        views.pillar_create,
        SECTION,
        name="content_pillar_new",
    ),
    path(
        "w/<slug:slug>/content/pillars/defaults/",
        views.pillar_defaults,
        SECTION,
        name="content_pillar_defaults",
    ),
    path(
        "w/<slug:slug>/content/pillars/<int:pillar_id>/",
        views.pillar_edit,
        SECTION,
        name="content_pillar_edit",
    ),
    path(
        "w/<slug:slug>/content/pillars/<int:pillar_id>/archive/",
        views.pillar_archive,
        SECTION,
        name="content_pillar_archive",
    ),
    path(
        "w/<slug:slug>/content/pillars/<int:pillar_id>/move/",
        views.pillar_move,
        SECTION,
        name="content_pillar_move",
    ),
]
