"""POSTs with an Idempotency-Key run once; a repeat gets the first response back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from socialops.accounts.models import ApiToken, Invitation, Workspace
from socialops.accounts.queries import hash_secret
from socialops.accounts.roles import Role
from socialops.conftest import ApiClient, error_of, row_counts
from socialops.core import tasks
from socialops.core.models import IdempotencyRecord


def _key(value: str) -> dict[str, dict[str, str]]:
    return {"headers": {"Idempotency-Key": value}}


def test_it_replays_the_first_response_for_the_same_key_and_body(team):
    alice = team.api("alice")
    workspaces_before = Workspace.objects.count()

    first = alice.post("/workspaces", {"name": "Launch 新品"}, **_key("launch-1"))
    second = alice.post("/workspaces", {"name": "Launch 新品"}, **_key("launch-1"))

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Workspace.objects.count() == workspaces_before + 1
    assert IdempotencyRecord.objects.count() == 1


def test_it_runs_posts_without_a_key_every_time(team):
    alice = team.api("alice")
    before = Workspace.objects.count()

    alice.post("/workspaces", {"name": "Twice"})
    alice.post("/workspaces", {"name": "Twice"})

    assert Workspace.objects.count() == before + 2
    assert not IdempotencyRecord.objects.exists()


def test_it_refuses_the_same_key_with_a_different_body(team):
    alice = team.api("alice")
    alice.post("/invitations", {"email": "x@example.com", "role": "editor"}, **_key("inv"))
    before = row_counts()

    response = alice.post(
        "/invitations", {"email": "y@example.com", "role": "editor"}, **_key("inv")
    )

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in error["fields"]
    assert row_counts() == before
    assert list(Invitation.objects.values_list("email", flat=True)) == ["x@example.com"]


def test_it_refuses_the_same_key_on_another_path(team):
    alice = team.api("alice")
    alice.post("/tokens", {"name": "one"}, **_key("shared"))

    response = alice.post("/workspaces", {"name": "one"}, **_key("shared"))

    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"


def test_it_keeps_keys_of_different_tokens_apart(team):
    first_token = team.api("alice")
    second_token = team.api("alice")
    bob = team.api("bob")
    before = Workspace.objects.count()

    responses = [
        client.post("/workspaces", {"name": "Same"}, **_key("k-1"))
        for client in (first_token, second_token, bob)
    ]

    assert [r.status_code for r in responses] == [201, 201, 201]
    assert len({r.json()["id"] for r in responses}) == 3
    assert not any(r.has_header("Idempotent-Replayed") for r in responses)
    assert Workspace.objects.count() == before + 3


def test_it_does_not_store_a_refusal_so_the_key_can_be_used_once_allowed(team):
    carol = team.api("carol")
    body = {"email": "new@example.com", "role": "agent"}

    assert carol.post("/invitations", body, **_key("invite-new")).status_code == 403
    assert not IdempotencyRecord.objects.exists()
    membership = team.membership("carol")
    membership.role = Role.MANAGER
    membership.save(update_fields=["role"])

    response = carol.post("/invitations", body, **_key("invite-new"))

    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")


def test_it_replays_a_validation_error_as_it_was(team):
    alice = team.api("alice")

    first = alice.post("/tokens", {"name": ""}, **_key("bad"))
    second = alice.post("/tokens", {"name": ""}, **_key("bad"))

    assert first.status_code == second.status_code == 422
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"


def test_it_answers_409_while_the_first_request_is_still_running(team):
    raw = team.token("alice")
    IdempotencyRecord.objects.create(
        principal="token:" + hash_secret(raw),
        key="in-flight",
        method="POST",
        path="/api/v1/workspaces",
        request_hash=_hash_of("POST", "/api/v1/workspaces", b'{"name": "Slow"}'),
    )
    before = Workspace.objects.count()

    response = ApiClient(raw).post("/workspaces", {"name": "Slow"}, **_key("in-flight"))

    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_in_progress"
    assert Workspace.objects.count() == before


def _hash_of(method: str, path: str, body: bytes) -> str:
    import hashlib

    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


@pytest.mark.parametrize("key", ["", "   ", "k" * 256])
def test_it_refuses_an_unusable_key(team, key):
    alice = team.api("alice")
    before = row_counts()

    response = alice.post("/workspaces", {"name": "X"}, **_key(key))

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_idempotency_key"
    assert row_counts() == before


def test_it_ignores_the_key_on_reads_and_unauthenticated_posts(team):
    alice = team.api("alice")

    alice.get("/me", **_key("read"))
    anonymous = ApiClient().post("/workspaces", {"name": "X"}, **_key("anon"))

    assert anonymous.status_code == 401
    assert not IdempotencyRecord.objects.exists()


def test_it_forgets_keys_after_their_lifetime(team, time_machine, settings):
    time_machine.move_to(datetime(2026, 5, 1, tzinfo=UTC), tick=False)
    alice = team.api("alice")
    alice.post("/workspaces", {"name": "Old"}, **_key("old"))
    time_machine.shift(timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS - 1))
    tasks.purge_expired.call_local()
    assert IdempotencyRecord.objects.count() == 1

    time_machine.shift(timedelta(hours=2))
    tasks.purge_expired.call_local()

    assert not IdempotencyRecord.objects.exists()
    assert alice.post("/workspaces", {"name": "Old"}, **_key("old")).status_code == 201


def test_it_keeps_the_replayed_token_encrypted_at_rest(team):
    alice = team.api("alice")

    first = alice.post("/tokens", {"name": "deploy"}, **_key("deploy-token"))
    second = alice.post("/tokens", {"name": "deploy"}, **_key("deploy-token"))

    raw = first.json()["token"]
    assert second.json()["token"] == raw
    assert ApiToken.objects.filter(name="deploy").count() == 1
    stored = bytes(IdempotencyRecord.objects.get().response_body or b"")
    assert raw.encode() not in stored
    assert b"deploy" not in stored


def test_it_takes_over_a_key_left_pending_by_a_crashed_request(team, time_machine):
    raw = team.token("alice")
    time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False)
    IdempotencyRecord.objects.create(
        principal="token:" + hash_secret(raw),
        key="crashed",
        method="POST",
        path="/api/v1/workspaces",
        request_hash=_hash_of("POST", "/api/v1/workspaces", b'{"name": "Again"}'),
    )
    before = Workspace.objects.count()
    time_machine.move_to(datetime(2026, 11, 2, 9, 5, tzinfo=UTC), tick=False)

    response = ApiClient(raw).post("/workspaces", {"name": "Again"}, **_key("crashed"))

    assert response.status_code == 201
    assert Workspace.objects.count() == before + 1
    record = IdempotencyRecord.objects.get(key="crashed")
    assert record.state == IdempotencyRecord.State.DONE
