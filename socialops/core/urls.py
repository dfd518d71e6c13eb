from __future__ import annotations

from django.urls import path

from socialops.core import views

urlpatterns = [
    path("w/<slug:slug>/settings/audit/", views.audit_log, name="audit_log"),
    path("w/<slug:slug>/<str:section>/", views.section, name="section"),
]
