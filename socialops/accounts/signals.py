"""Sign-in events go to the audit log, failures included; the starter-kit signal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver
from django.http import HttpRequest

from socialops.core import audit

# Sent with workspace= and actor= when a new workspace wants the apps' first drafts.
starter_kit_wanted = Signal()


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit.record(action="auth.login", actor=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(action="auth.logout", actor=user, request=request)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    tried = str(credentials.get("username") or credentials.get("email") or "")[:254]
    audit.record(
        action="auth.login_failed", request=request, actor_label=tried, after={"email": tried}
    )
