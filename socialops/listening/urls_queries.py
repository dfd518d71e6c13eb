"""Pages of listening: queries."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_queries as views

SECTION = {"section": "interaction"}
BASE = "w/<slug:slug>/interaction/listening/queries/"
ONE = f"{BASE}<int:query_id>/"

urlpatterns: list[URLPattern] = [
    path(BASE, views.queries_page, SECTION, name="listening_queries"),
    path(f"{BASE}new/", views.query_new, SECTION, name="listening_query_new"),
    path(f"{BASE}validate/", views.query_validate, SECTION, name="listening_query_validate"),
    path(f"{BASE}preview/", views.query_preview, SECTION, name="listening_query_preview"),
    path(ONE, views.query_edit, SECTION, name="listening_query_edit"),
    path(f"{ONE}delete/", views.query_delete, SECTION, name="listening_query_delete"),
]
