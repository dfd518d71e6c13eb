"""Pages of the contacts app, in the Interaction (互动) section."""

from __future__ import annotations

from django.urls import path

from socialops.contacts import views

SECTION = {"section": "interaction"}
BASE = "w/<slug:slug>/interaction/contacts/"
ENGAGE = "w/<slug:slug>/interaction/engage/"
ONE = f"{BASE}<int:contact_id>/"

urlpatterns = [
    path(BASE, views.contact_list, SECTION, name="contacts"),
    path(f"{BASE}new/", views.contact_new, SECTION, name="contact_new"),
    path(f"{BASE}import/", views.contact_import, SECTION, name="contacts_import"),
    path(f"{BASE}export/", views.contact_export, SECTION, name="contacts_export"),
    path(f"{BASE}top-fans/", views.top_fans, SECTION, name="contacts_top_fans"),
    path(ONE, views.contact_detail, SECTION, name="contact_detail"),
    path(f"{ONE}edit/", views.contact_edit, SECTION, name="contact_edit"),
    path(f"{ONE}delete/", views.contact_delete, SECTION, name="contact_delete"),
    path(f"{ONE}identities/", views.identity_add, SECTION, name="contact_identity_add"),
    path(
        f"{ONE}identities/<int:identity_id>/remove/",
        views.identity_remove,
        SECTION,
        name="contact_identity_remove",
    ),
    path(ENGAGE, views.engage, SECTION, name="engage"),
    path(f"{ENGAGE}discover/", views.engage_discover, SECTION, name="engage_discover"),
    path(f"{ENGAGE}<int:task_id>/act/", views.engage_act, SECTION, name="engage_act"),
    path(f"{ENGAGE}<int:task_id>/skip/", views.engage_skip, SECTION, name="engage_skip"),
    path(f"{ENGAGE}<int:task_id>/reopen/", views.engage_reopen, SECTION, name="engage_reopen"),
]
