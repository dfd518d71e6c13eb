"""Administration from the command line, through the same actions the UI uses."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from socialops.accounts import actions
from socialops.accounts.models import Membership, User, Workspace
from socialops.core import audit


@transaction.atomic
def create_user_with_membership(
    *, email: str, password: str, name: str = "", workspace_slug: str = "", role: str = "editor"
) -> User:
    from django.contrib.auth.password_validation import validate_password

    workspace = None
    if workspace_slug:
        workspace = Workspace.objects.filter(slug=workspace_slug).first()
        if workspace is None:
            raise ValidationError({"workspace": f"no workspace with short name {workspace_slug!r}"})
    validate_password(password)
    user = actions.create_user(email=email, password=password, name=name, via="cli")
    if workspace is not None:
        membership = Membership.objects.create(workspace=workspace, user=user, role=role)
        audit.record(
            action="member.added",
            workspace=workspace,
            via="cli",
            target=membership,
            target_label=user.email,
            after={"user": user.pk, "role": role},
        )
    return user
