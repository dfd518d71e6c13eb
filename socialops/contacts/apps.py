from __future__ import annotations

from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "socialops.contacts"
    label = "contacts"
    verbose_name = "Contacts"

    def ready(self) -> None:
        from socialops.contacts.audit_labels import LABELS
        from socialops.core.audit import describe_actions

        describe_actions(LABELS)
