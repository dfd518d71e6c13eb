"""Pages of listening: sources."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_sources as views

SECTION = {"section": "interaction"}
BASE = "w/<slug:slug>/interaction/listening/sources/"
ONE = f"{BASE}<int:source_id>/"

urlpatterns: list[URLPattern] = [
    path(BASE, views.sources_page, SECTION, name="listening_sources"),
    path(f"{BASE}new/", views.source_new, SECTION, name="listening_source_new"),
    path(ONE, views.source_edit, SECTION, name="listening_source_edit"),
    path(f"{ONE}delete/", views.source_delete, SECTION, name="listening_source_delete"),
    path(f"{ONE}reset/", views.source_reset, SECTION, name="listening_source_reset"),
    path(f"{ONE}enabled/", views.source_enabled, SECTION, name="listening_source_enabled"),
]
