"""The Platform section; "section" marks the top navigation's 平台 link as active."""

from __future__ import annotations

from django.urls import path

from socialops.platforms import views

SECTION = {"section": "platform"}

urlpatterns = [
    path("w/<slug:slug>/platform/", views.catalog_page, SECTION, name="platforms"),
    path(
        "w/<slug:slug>/platform/catalog/<slug:code>/",
        views.platform_detail,
        SECTION,
        name="platform_detail",
    ),
    path("w/<slug:slug>/platform/advisor/", views.advisor_page, SECTION, name="platform_advisor"),
]
