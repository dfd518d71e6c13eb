"""Pages of the guidebook app, in the Interaction (互动) section."""

from __future__ import annotations

from django.urls import path  # noqa: F401

SECTION = {"section": "interaction"}

urlpatterns: list = []
