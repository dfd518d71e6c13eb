"""Pages of listening: the crisis board and one alert."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_alerts as views

SECTION = {"section": "interaction"}
BASE = "w/<slug:slug>/interaction/listening/alerts/"
ONE = f"{BASE}<int:alert_id>/"

urlpatterns: list[URLPattern] = [
    path(BASE, views.alerts_page, SECTION, name="listening_alerts"),
    path(ONE, views.alert_page, SECTION, name="listening_alert"),
    path(
        f"{ONE}acknowledge/", views.alert_acknowledge, SECTION, name="listening_alert_acknowledge"
    ),
    path(f"{ONE}resolve/", views.alert_resolve, SECTION, name="listening_alert_resolve"),
    path(f"{ONE}reopen/", views.alert_reopen, SECTION, name="listening_alert_reopen"),
]
