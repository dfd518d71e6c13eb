"""Bad input gets a clear 4xx or form error, writes nothing, and is logged."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from socialops.accounts.models import ApiToken, Workspace
from socialops.conftest import (
    PASSWORD,
    ApiClient,
    Team,
    audit_count,
    error_of,
    logged_after,
    row_counts,
)
from socialops.core.models import AuditEvent, IdempotencyRecord

NOON = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


def _login(client: Client, email: str, password: str, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# -- signing in ---------------------------------------------------------------------------------


def test_it_signs_in_with_the_right_password(team):
    client = Client()

    response = _login(client, "alice@example.com", PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)
    assert audit_count("auth.login", actor=team.alice) == 1


def test_it_refuses_a_wrong_password_with_a_form_error_and_logs_it(team):
    client = Client()
    before = row_counts()

    response = _login(client, "alice@example.com", "not-her-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not _signed_in(client)
    assert row_counts() == before
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert event.actor_label == "alice@example.com"
    assert event.after == {"email": "alice@example.com"}
    assert event.ip_address == "127.0.0.1"


def test_it_never_logs_the_tried_password(team):
    _login(Client(), "alice@example.com", "hunter2-secret-guess")

    logged = json.dumps(list(AuditEvent.objects.values("after", "before", "actor_label")))
    assert "hunter2" not in logged


def test_it_locks_out_after_too_many_failures_then_lets_in_after_the_cool_off(team, time_machine):
    time_machine.move_to(NOON, tick=False)
    limit = settings.AXES_FAILURE_LIMIT
    client = Client()

    statuses = [_login(client, "alice@example.com", "wrong").status_code for _ in range(limit)]

    assert statuses == [200] * (limit - 1) + [429]
    locked = _login(client, "alice@example.com", PASSWORD)
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    assert not _signed_in(client)
    assert audit_count("auth.login_failed") == limit + 1

    # Another person, and alice from another address, are not locked out.
    assert _login(Client(), "bob@example.com", PASSWORD).status_code == 302
    assert _login(Client(), "alice@example.com", PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == (
        302
    )

    time_machine.move_to(NOON + timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
    assert _login(client, "alice@example.com", PASSWORD).status_code == 302
    assert _signed_in(client)


# -- CSRF ---------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(team: Team) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(team.alice, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _settings_url(team: Team) -> str:
    return reverse("workspace_settings", args=[team.workspace.slug])


@pytest.mark.parametrize("token", [None, "forged" * 8], ids=["missing", "forged"])
def test_it_refuses_a_form_post_without_a_valid_csrf_token(team, csrf_client, token):
    csrf_client.get(_settings_url(team))  # sets the CSRF cookie, as a browser would have it
    data = {"name": "Hijacked", "time_zone": "UTC"}
    if token:
        data["csrfmiddlewaretoken"] = token
    before = row_counts()

    response = csrf_client.post(_settings_url(team), data)

    assert response.status_code == 403
    assert row_counts() == before
    assert Workspace.objects.get(pk=team.workspace.pk).name == "Acme 示例品牌"
    event = AuditEvent.objects.get(action="security.csrf_failed")
    assert event.actor == team.alice
    assert logged_after(event)["path"] == _settings_url(team)
    assert logged_after(event)["method"] == "POST"


def test_it_accepts_the_same_post_with_the_csrf_token(team, csrf_client):
    csrf_client.get(_settings_url(team))
    token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value

    response = csrf_client.post(
        _settings_url(team), {"name": "Acme 新", "time_zone": "UTC", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert Workspace.objects.get(pk=team.workspace.pk).name == "Acme 新"
    assert audit_count("security.csrf_failed") == 0


def test_it_refuses_a_login_post_without_csrf(team):
    client = Client(enforce_csrf_checks=True)

    response = _login(client, "alice@example.com", PASSWORD)

    assert response.status_code == 403
    assert not _signed_in(client)
    assert audit_count("auth.login") == 0
    assert audit_count("security.csrf_failed") == 1


# -- API tokens that do not work -----------------------------------------------------------------


def _refused(response, reason: str, team: Team | None = None) -> AuditEvent:
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"
    event = AuditEvent.objects.filter(action="api.token_refused").latest("id")
    assert logged_after(event)["reason"] == reason
    if team is not None:
        assert event.workspace == team.workspace
    return event


def test_it_refuses_an_expired_token(team, time_machine):
    time_machine.move_to(NOON, tick=False)
    client = ApiClient(team.token("carol", expires_in_days=1))
    assert client.get("/me").status_code == 200

    time_machine.move_to(NOON + timedelta(days=1, seconds=1), tick=False)
    before = row_counts()
    response = client.post("/tokens", {"name": "made with an expired token"})

    event = _refused(response, "revoked_or_expired", team)
    assert event.actor == team.carol
    assert logged_after(event)["path"] == "/api/v1/tokens"
    assert row_counts() == before


def test_it_refuses_a_revoked_token(team):
    raw = team.token("carol")
    client = ApiClient(raw)
    token = ApiToken.objects.get(user=team.carol)
    assert client.delete(f"/tokens/{token.pk}").status_code == 200
    before = row_counts()

    response = client.patch("/workspace", {"name": "changed by a revoked token"})

    event = _refused(response, "revoked_or_expired", team)
    assert logged_after(event)["prefix"] == raw[:10]
    assert row_counts() == before


def test_it_refuses_an_unknown_token_and_logs_only_its_prefix(team):
    raw = "so_" + "x" * 43
    before = row_counts()

    response = ApiClient(raw).get("/me")

    event = _refused(response, "unknown_token")
    assert event.workspace is None
    assert logged_after(event)["prefix"] == raw[:10]
    assert raw not in json.dumps(event.after)
    assert row_counts() == before


def test_it_refuses_a_token_of_a_deactivated_user(team):
    client = team.api("carol")
    team.carol.is_active = False
    team.carol.save(update_fields=["is_active"])

    _refused(client.get("/me"), "revoked_or_expired", team)


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer ", "Token abc", "Basic YWxpY2U6cGFzcw=="], ids=repr
)
def test_it_asks_for_a_token_without_one(team, header):
    client = Client(headers={"Authorization": header} if header else {})

    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


# -- malformed requests ----------------------------------------------------------------------


@pytest.fixture
def carol(team: Team) -> ApiClient:
    return team.api("carol")


@pytest.mark.parametrize("body", ['{"name": "x"', "not json", b"\xff\xfe\x00", '{"name": }'])
def test_it_answers_malformed_json_with_a_400_naming_the_body(team, carol, body):
    before = row_counts()

    response = carol.post("/tokens", body)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "malformed_body"
    assert "body" in error["fields"]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/tokens", {"name": 5}, "name"),
        ("/tokens", {}, "name"),
        ("/tokens", {"name": "ok", "expires_in_days": "soon"}, "expires_in_days"),
        ("/tokens", {"name": "ok", "expires_in_days": 0}, "expires_in_days"),
        ("/tokens", {"name": "x" * 101}, "name"),
        ("/tokens", {"name": "nul\u0000byte"}, "name"),
        ("/workspaces", {"name": ""}, "name"),
        ("/workspaces", {"name": "ok", "slug": "Not A Slug"}, "slug"),
        ("/workspaces", {"name": "ok", "time_zone": "Mars/Olympus"}, "time_zone"),
        ("/tokens", {"name": "ok", "expires_in_days": True}, "expires_in_days"),
        ("/tokens", {"name": "ok", "expires_in_days": "30"}, "expires_in_days"),
        ("/tokens", {"name": "ok", "expires_in_days": 1.5}, "expires_in_days"),
        ("/tokens", {"name": "ok", "expires_in": 30}, "expires_in"),
        ("/invitations", {"email": "a@example.com", "role": "boss"}, "role"),
    ],
)
def test_it_answers_a_wrong_or_missing_field_with_a_422_naming_it(team, carol, path, body, field):
    before = row_counts()

    response = carol.post(path, body)

    assert response.status_code == 422, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert row_counts() == before


@pytest.mark.parametrize("body", ["[1, 2]", '"a string"', "null", "42", "true", "[]"])
@pytest.mark.parametrize(("method", "path"), [("post", "/tokens"), ("patch", "/workspace")])
def test_it_answers_a_body_that_is_not_an_object_with_a_422(team, method, path, body):
    alice = team.api("alice")
    before = row_counts()

    response = getattr(alice, method)(path, body)

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"body": "Value error, must be a JSON object"}
    assert row_counts() == before


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "0.5"}, "since"),
        ({"since": "2026-01-01"}, "since"),
        ({"until": "2026-01-01T08:00:00"}, "until"),
        ({"until": "tomorrow"}, "until"),
        ({"page_size": "0.0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page_size": ["5", "6"]}, "page_size"),
        ({"action": ["member.", "token."]}, "action"),
        ({"action": ""}, "action"),
        ({"cursor": ""}, "cursor"),
    ],
)
def test_it_answers_bad_query_parameters_with_a_422_naming_them(team, params, field):
    response = team.api("erin").get("/audit-events", params)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_it_reads_any_iso_offset_in_query_date_times(team):
    """PostgreSQL refuses offsets beyond ±15:59; the API turns every date-time into UTC first."""
    erin = team.api("erin")

    response = erin.get("/audit-events", {"since": "1999-01-01T00:00:00+20:00"})

    assert response.status_code == 200
    assert response.json()["results"]


def test_it_refuses_an_oversized_body_with_a_413_before_reading_it(team, carol):
    limit = settings.API_MAX_BODY_BYTES
    body = json.dumps({"name": "x" * limit})
    before = row_counts()

    response = carol.post("/tokens", body, headers={"Idempotency-Key": "big-one"})

    assert response.status_code == 413
    assert error_of(response)["code"] == "body_too_large"
    assert row_counts() == before
    assert not IdempotencyRecord.objects.exists()


def test_it_accepts_a_body_just_under_the_limit(team, carol, settings):
    settings.API_MAX_BODY_BYTES = 200
    small = json.dumps({"name": "fits"})
    large = json.dumps({"name": "y" * 200})

    assert carol.post("/tokens", small).status_code == 201
    assert carol.post("/tokens", large).status_code == 413


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/members/1/extra", "/api/v1/", "/api/v2/me"]
)
def test_it_answers_an_unknown_api_path_with_a_404_in_the_error_shape(team, carol, path):
    response = carol.client.get(path)

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [("put", "/workspace"), ("post", "/me"), ("delete", "/workspace"), ("post", "/audit-events")],
)
def test_it_answers_a_wrong_method_with_a_405_in_the_error_shape(team, carol, method, path):
    before = row_counts()

    response = getattr(carol, method)(path)

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert response["Allow"]
    assert row_counts() == before


def test_it_answers_a_bad_form_on_a_page_with_422_and_writes_nothing(team):
    client = team.browser("alice")
    before = row_counts()

    response = client.post(
        reverse("workspace_settings", args=[team.workspace.slug]),
        {"name": "", "time_zone": "Mars/Olympus"},
    )

    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"name", "time_zone"}
    assert row_counts() == before
