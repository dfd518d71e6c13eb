"""Pages of listening: where alerts go."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_destinations as views

SECTION = {"section": "interaction"}
BASE = "w/<slug:slug>/interaction/listening/destinations/"
ONE = f"{BASE}<int:destination_id>/"

urlpatterns: list[URLPattern] = [
    path(BASE, views.destinations_page, SECTION, name="listening_destinations"),
    path(f"{BASE}new/", views.destination_new, SECTION, name="listening_destination_new"),
    path(ONE, views.destination_edit, SECTION, name="listening_destination_edit"),
    path(f"{ONE}delete/", views.destination_delete, SECTION, name="listening_destination_delete"),
    path(f"{ONE}test/", views.destination_test, SECTION, name="listening_destination_test"),
]
