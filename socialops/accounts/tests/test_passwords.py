"""Passwords: argon2 hashes, change and reset by email, all in the audit log."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from socialops.accounts import actions
from socialops.conftest import PASSWORD
from socialops.core.models import AuditEvent

NEW_PASSWORD = "brand-new-Passphrase-42"


def test_it_hashes_passwords_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]

    user = actions.create_user(email="zoe@example.com", password=PASSWORD)

    assert user.password.startswith("argon2$argon2id$")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)


def test_it_resets_a_forgotten_password_by_email(team):
    client = Client()

    response = client.post(reverse("password_reset"), {"email": "carol@example.com"})

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["carol@example.com"]
    link = re.search(r"https?://[^/\s]+(/password/reset/[^\s]+/)", str(message.body))
    assert link, message.body
    form = client.get(link.group(1), follow=True)  # Django moves the token into the session
    assert form.status_code == 200
    ((set_password_url, _status),) = form.redirect_chain
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    team.carol.refresh_from_db()
    assert team.carol.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="user.password_reset")
    assert event.actor == team.carol


def test_it_does_not_reveal_whether_an_email_has_an_account(team):
    known = Client().post(reverse("password_reset"), {"email": "carol@example.com"})
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["carol@example.com"]]


def test_it_refuses_a_weak_new_password(team):
    client = team.browser("carol")

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    team.carol.refresh_from_db()
    assert team.carol.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="user.password_changed").exists()
