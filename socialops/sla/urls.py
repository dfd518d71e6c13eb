"""Pages of the sla app, in the Interaction (互动) section."""

from __future__ import annotations

from django.urls import path

from socialops.sla import views

SECTION = {"section": "interaction"}
BASE = "w/<slug:slug>/interaction/sla/"

urlpatterns = [
    path(BASE, views.report_page, SECTION, name="sla_report"),
    path(f"{BASE}policies/", views.policies_page, SECTION, name="sla_policies"),
    path(f"{BASE}policies/new/", views.policy_create, SECTION, name="sla_policy_new"),
    path(f"{BASE}policies/defaults/", views.policy_defaults, SECTION, name="sla_policy_defaults"),
    path(f"{BASE}policies/<int:policy_id>/", views.policy_edit, SECTION, name="sla_policy_edit"),
    path(
        f"{BASE}policies/<int:policy_id>/delete/",
        views.policy_delete,
        SECTION,
        name="sla_policy_delete",
    ),
    path(f"{BASE}calendars/", views.calendars_page, SECTION, name="sla_calendars"),
    path(f"{BASE}calendars/new/", views.calendar_create, SECTION, name="sla_calendar_new"),
    path(
        f"{BASE}calendars/<int:calendar_id>/",
        views.calendar_edit,
        SECTION,
        name="sla_calendar_edit",
    ),
    path(
        f"{BASE}calendars/<int:calendar_id>/delete/",
        views.calendar_delete,
        SECTION,
        name="sla_calendar_delete",
    ),
]
