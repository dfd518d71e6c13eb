"""The listening sources API: config checked per kind, reset, other workspaces, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialops.channels.actions import connect_channel
from socialops.channels.models import Channel
from socialops.conftest import audit_count, error_of
from socialops.core.clock import now
from socialops.listening.models import Source


@pytest.fixture
def replays(settings, tmp_path):
    folder = tmp_path / "replays"
    folder.mkdir()
    (folder / "ced.jsonl").write_text('{"text": "华为手机"}\n', encoding="utf-8")
    settings.LISTENING_REPLAY_DIRS = [folder]
    return folder


@pytest.fixture
def sandbox(team):
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 官方", "handle": "acme_official"},
    )


@pytest.fixture
def mastodon(team):
    return Channel.objects.create(
        workspace=team.workspace, platform="mastodon", connector="mastodon", remote_id="42"
    )


def test_it_creates_reads_updates_and_deletes_a_replay_source(team, replays):
    erin = team.api("erin")

    created = erin.post(
        "/listening/sources",
        {"name": "CED 回放", "kind": "replay", "config": {"path": "ced.jsonl", "speed": 10}},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["config"] == {"path": "ced.jsonl", "speed": 10.0}
    assert body["state"] == "idle"
    assert audit_count("listening.source_created") == 1
    assert team.api("dave").get(f"/listening/sources/{body['id']}").json()["name"] == "CED 回放"
    assert len(team.api("carol").get("/listening/sources").json()["results"]) == 1

    patched = erin.patch(f"/listening/sources/{body['id']}", {"enabled": False})
    assert patched.status_code == 200, patched.content
    assert patched.json()["enabled"] is False
    assert patched.json()["config"]["speed"] == 10.0  # left as it was
    assert audit_count("listening.source_updated") == 1

    assert erin.delete(f"/listening/sources/{body['id']}").status_code == 204
    assert not Source.objects.exists()
    assert audit_count("listening.source_deleted") == 1


def test_it_takes_each_kind_with_its_account(team, sandbox, mastodon):
    erin = team.api("erin")

    cases = [
        {"name": "沙盒", "kind": "sandbox", "channel_id": sandbox.pk},
        {
            "name": "长毛象",
            "kind": "mastodon_tag",
            "channel_id": mastodon.pk,
            "config": {"hashtag": "#华为"},
        },
        {
            "name": "公共流",
            "kind": "mastodon_stream",
            "channel_id": mastodon.pk,
            "config": {},
        },
        {"name": "蓝天", "kind": "jetstream", "config": {"keywords": ["huawei", "华为"]}},
        {
            "name": "搜索",
            "kind": "search",
            "channel_id": sandbox.pk,
            "config": {"backfill_hours": 6},
        },
    ]
    for body in cases:
        response = erin.post("/listening/sources", body)
        assert response.status_code == 201, (body, response.content)

    assert Source.objects.get(name="长毛象").config == {"hashtag": "华为"}
    assert Source.objects.get(name="蓝天").config == {"keywords": ["huawei", "华为"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "gopher"}, "kind"),
        ({"kind": "sandbox"}, "channel_id"),
        ({"kind": "sandbox", "channel": "mastodon"}, "channel_id"),
        ({"kind": "mastodon_tag", "channel": "mastodon"}, "config.hashtag"),
        (
            {"kind": "mastodon_tag", "channel": "mastodon", "config": {"hashtag": "a b"}},
            "config.hashtag",
        ),
        ({"kind": "replay", "config": {}}, "config.path"),
        ({"kind": "replay", "config": {"path": "/etc/passwd"}}, "config.path"),
        ({"kind": "replay", "config": {"path": "../outside.jsonl"}}, "config.path"),
        ({"kind": "replay", "config": {"path": "missing.jsonl"}}, "config.path"),
        ({"kind": "replay", "config": {"path": "ced.jsonl", "speed": -1}}, "config.speed"),
        ({"kind": "replay", "config": {"path": "ced.jsonl", "speed": 0}}, "config.speed"),
        ({"kind": "jetstream", "config": {"url": "http://example.com"}}, "config.url"),
        ({"kind": "jetstream", "config": {"keywords": [1, 2]}}, "config.keywords"),
        ({"kind": "mastodon_stream", "config": {}}, "config.instance"),
        (
            {"kind": "search", "channel": "mastodon", "config": {"backfill_hours": -1}},
            "config.backfill_hours",
        ),
        ({"kind": "sandbox", "channel_id": 2**40}, "channel_id"),
        ({"kind": "sandbox", "channel_id": "one"}, "channel_id"),
    ],
)
def test_it_refuses_a_bad_config(team, replays, sandbox, mastodon, body, field):
    channels = {"sandbox": sandbox.pk, "mastodon": mastodon.pk}
    body = dict(body)
    if "channel" in body:
        body["channel_id"] = channels[body.pop("channel")]

    response = team.api("erin").post("/listening/sources", {"name": "来源", **body})

    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert not Source.objects.exists()


def test_it_refuses_another_workspaces_account(team):
    theirs = connect_channel(
        access=team.access("charlie", team.user("charlie").memberships.first().workspace),
        connector="sandbox",
        fields={"display_name": "别人的", "handle": "other"},
    )

    response = team.api("erin").post(
        "/listening/sources", {"name": "沙盒", "kind": "sandbox", "channel_id": theirs.pk}
    )

    assert response.status_code == 422
    assert "channel_id" in error_of(response)["fields"]


def test_it_refuses_a_duplicate_name_with_a_conflict(team, sandbox):
    body = {"name": "沙盒", "kind": "sandbox", "channel_id": sandbox.pk}
    assert team.api("erin").post("/listening/sources", body).status_code == 201

    again = team.api("erin").post("/listening/sources", body)

    assert again.status_code == 409
    assert "name" in error_of(again)["fields"]


def test_it_resets_the_cursor(team, sandbox):
    source = Source.objects.create(
        workspace=team.workspace,
        name="沙盒",
        kind="sandbox",
        channel=sandbox,
        cursor="1234",
        state=Source.State.ERROR,
        last_error="boom",
        last_error_at=now(),
    )

    response = team.api("bob").post(f"/listening/sources/{source.pk}/reset")

    assert response.status_code == 200, response.content
    source.refresh_from_db()
    assert (source.cursor, source.state, source.last_error) == ("", "idle", "")
    assert audit_count("listening.source_reset") == 1


def test_it_refuses_to_reset_a_source_being_read(team, sandbox):
    source = Source.objects.create(
        workspace=team.workspace,
        name="沙盒",
        kind="sandbox",
        channel=sandbox,
        cursor="1234",
        state=Source.State.RUNNING,
        locked_until=now() + timedelta(seconds=30),
        locked_by="worker-1",
    )

    response = team.api("bob").post(f"/listening/sources/{source.pk}/reset")

    assert response.status_code == 409
    source.refresh_from_db()
    assert source.cursor == "1234"


def test_it_hides_other_workspaces_sources_and_lets_only_managers_write(team, sandbox):
    source = Source.objects.create(
        workspace=team.workspace, name="沙盒", kind="sandbox", channel=sandbox
    )
    charlie = team.api("charlie")
    dave = team.api("dave")

    assert charlie.get(f"/listening/sources/{source.pk}").status_code == 404
    assert charlie.patch(f"/listening/sources/{source.pk}", {"enabled": False}).status_code == 404
    assert charlie.post(f"/listening/sources/{source.pk}/reset").status_code == 404
    assert charlie.delete(f"/listening/sources/{source.pk}").status_code == 404
    assert dave.get(f"/listening/sources/{source.pk}").status_code == 200
    assert dave.patch(f"/listening/sources/{source.pk}", {"enabled": False}).status_code == 403
    assert dave.post(f"/listening/sources/{source.pk}/reset").status_code == 403
    assert dave.delete(f"/listening/sources/{source.pk}").status_code == 403
    assert Source.objects.get().enabled is True
