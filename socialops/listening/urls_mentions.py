"""Pages of listening: the mention stream, its actions, and the dashboard."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_mentions as views

SECTION = {"section": "interaction"}
BASE = "w/<slug:slug>/interaction/listening/"
ONE = f"{BASE}mentions/<int:mention_id>/"

urlpatterns: list[URLPattern] = [
    path(BASE, views.mentions_page, SECTION, name="listening_mentions"),
    path(f"{BASE}mentions/new/", views.mentions_new, SECTION, name="listening_mentions_new"),
    path(
        f"{ONE}conversation/",
        views.mention_conversation,
        SECTION,
        name="listening_mention_conversation",
    ),
    path(f"{ONE}task/", views.mention_task, SECTION, name="listening_mention_task"),
    path(f"{ONE}contact/", views.mention_contact, SECTION, name="listening_mention_contact"),
    path(f"{BASE}dashboard/", views.dashboard_page, SECTION, name="listening_dashboard"),
]
