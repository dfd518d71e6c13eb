"""Tracking pages, under the Content section."""

from __future__ import annotations

from django.urls import path

from socialops.publishing import views, views_tasks

SECTION = {"section": "content"}
BASE = "w/<slug:slug>/content/"

urlpatterns = [
    path(f"{BASE}report/", views.content_report, SECTION, name="content_report"),
    path(f"{BASE}report/import/", views.metrics_import, SECTION, name="metrics_import"),
    path(
        f"{BASE}posts/<int:post_id>/metrics/refresh/",
        views.post_metrics_refresh,
        SECTION,
        name="post_metrics_refresh",
    ),
    path(
        f"{BASE}publications/<int:publication_id>/metrics/",
        views.publication_metrics,
        SECTION,
        name="publication_metrics",
    ),
    # the publishing tasks page and its actions (views_tasks)
    path(f"{BASE}tasks/", views_tasks.tasks_page, SECTION, name="content_tasks"),
    path(
        f"{BASE}tasks/<int:publication_id>/complete/",
        views_tasks.task_complete,
        SECTION,
        name="content_task_complete",
    ),
    path(
        f"{BASE}publications/<int:publication_id>/retry/",
        views_tasks.publication_retry,
        SECTION,
        name="publication_retry",
    ),
    path(
        f"{BASE}publications/<int:publication_id>/reconcile/",
        views_tasks.publication_reconcile,
        SECTION,
        name="publication_reconcile",
    ),
    path(
        f"{BASE}publications/<int:publication_id>/resolve/",
        views_tasks.publication_resolve,
        SECTION,
        name="publication_resolve",
    ),
]
