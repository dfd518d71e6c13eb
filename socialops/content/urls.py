"""The Content section; "section" marks the top navigation's 内容 link as active."""

from __future__ import annotations

from django.urls import path

from socialops.content import (
    views,
    views_calendar,
    views_composer,
    views_import,
    views_library,
    views_posts,
)

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
    # the calendar, posting slots and the pillar mix (views_calendar)
    path(
        "w/<slug:slug>/content/calendar/",
        views_calendar.calendar_page,
        SECTION,
        name="content_calendar",
    ),
    path(
        "w/<slug:slug>/content/calendar/posts/<int:post_id>/move/",
        views_calendar.calendar_move,
        SECTION,
        name="content_calendar_move",
    ),
    path(
        "w/<slug:slug>/content/calendar/posts/<int:post_id>/queue/",
        views_calendar.post_queue,
        SECTION,
        name="content_post_queue",
    ),
    path("w/<slug:slug>/content/slots/", views_calendar.slots_page, SECTION, name="content_slots"),
    path(
        "w/<slug:slug>/content/slots/<int:channel_id>/new/",
        views_calendar.slot_create,
        SECTION,
        name="content_slot_new",
    ),
    path(
        "w/<slug:slug>/content/slots/remove/<int:slot_id>/",
        views_calendar.slot_delete,
        SECTION,
        name="content_slot_delete",
    ),
    path("w/<slug:slug>/content/mix/", views_calendar.mix_page, SECTION, name="content_mix"),
    # posts: the list, the composer, a post's page and its review actions (views_posts)
    path("w/<slug:slug>/content/posts/", views_posts.posts_list, SECTION, name="content_posts"),
    path(
        "w/<slug:slug>/content/posts/new/",
        views_composer.post_new,
        SECTION,
        name="content_post_new",
    ),
    path(
        "w/<slug:slug>/content/composer/variants/",
        views_composer.composer_variants,
        SECTION,
        name="content_composer_variants",
    ),
    path(
        "w/<slug:slug>/content/composer/check/",
        views_composer.composer_check,
        SECTION,
        name="content_composer_check",
    ),
    *(
        path(
            f"w/<slug:slug>/content/posts/<int:post_id>/{step}/",
            view,
            SECTION,
            name=f"content_post_{step.replace('-', '_')}",
        )
        for step, view in [
            ("edit", views_composer.post_edit),
            ("submit", views_posts.post_submit),
            ("approve", views_posts.post_approve),
            ("request-changes", views_posts.post_request_changes),
            ("schedule", views_posts.post_schedule),
            ("publish-now", views_posts.post_publish_now),
            ("unschedule", views_posts.post_unschedule),
            ("duplicate", views_posts.post_duplicate),
            ("archive", views_posts.post_archive),
            ("comment", views_posts.post_comment),
        ]
    ),
    path(
        "w/<slug:slug>/content/review-settings/",
        views_posts.review_settings,
        SECTION,
        name="content_review_settings",
    ),
    # the CSV import (views_import)
    path("w/<slug:slug>/content/import/", views_import.import_page, SECTION, name="content_import"),
    # the content library (views_library)
    path(
        "w/<slug:slug>/content/library/",
        views_library.library_page,
        SECTION,
        name="content_library",
    ),
    path(
        "w/<slug:slug>/content/library/new/",
        views_library.asset_new,
        SECTION,
        name="content_asset_new",
    ),
    path(
        "w/<slug:slug>/content/library/<int:asset_id>/",
        views_library.asset_detail,
        SECTION,
        name="content_asset",
    ),
    path(
        "w/<slug:slug>/content/library/<int:asset_id>/edit/",
        views_library.asset_edit,
        SECTION,
        name="content_asset_edit",
    ),
    path(
        "w/<slug:slug>/content/library/<int:asset_id>/archive/",
        views_library.asset_archive,
        SECTION,
        name="content_asset_archive",
    ),
    path(
        "w/<slug:slug>/content/library/<int:asset_id>/file/",
        views_library.asset_file,
        SECTION,
        name="content_asset_file",
    ),
]
