"""The listening source pages: list with state, the form per kind, toggle, reset, delete."""

from __future__ import annotations

import pytest

from socialops.channels.actions import connect_channel
from socialops.conftest import audit_count
from socialops.core.clock import now
from socialops.listening.models import Source

BASE = "/w/acme/interaction/listening/sources/"


@pytest.fixture
def sandbox(team):
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 官方", "handle": "acme_official"},
    )


@pytest.fixture
def source(team, sandbox):
    return Source.objects.create(
        workspace=team.workspace,
        name="沙盒",
        kind="sandbox",
        channel=sandbox,
        cursor="77",
        state=Source.State.ERROR,
        last_error="连接超时",
        last_error_at=now(),
        read_total=120,
        matched_total=7,
        skipped_total=2,
    )


def test_it_lists_sources_with_their_state_and_totals(team, source):
    response = team.browser("dave").get(BASE)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-source="{source.pk}"' in html
    assert 'data-state="error"' in html
    assert 'data-read="120"' in html
    assert "连接超时" in html
    assert "data-reset" not in html  # an agent only reads


def test_it_adds_a_source_from_the_form(team, sandbox):
    response = team.browser("erin").post(
        f"{BASE}new/",
        {
            "name": "沙盒流",
            "kind": "sandbox",
            "channel": sandbox.pk,
            "enabled": "on",
            "hashtag": "ignored",
        },
    )

    assert response.status_code == 302
    created = Source.objects.get()
    assert (created.kind, created.channel) == ("sandbox", sandbox)
    assert created.config == {"backfill_hours": 24.0}  # the reader's default; no hashtag
    assert audit_count("listening.source_created") == 1


def test_it_shows_config_errors_on_their_fields(team, settings, tmp_path):
    settings.LISTENING_REPLAY_DIRS = [tmp_path]

    response = team.browser("erin").post(
        f"{BASE}new/", {"name": "回放", "kind": "replay", "path": "/etc/passwd", "enabled": "on"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_path"' in html
    assert "invalid-feedback" in html
    assert not Source.objects.exists()


def test_it_edits_toggles_resets_and_deletes(team, source):
    browser = team.browser("bob")

    edited = browser.post(f"{BASE}{source.pk}/", {"name": "沙盒 2", "channel": source.channel_id})
    source.refresh_from_db()
    assert edited.status_code == 302
    assert (source.name, source.enabled, source.kind) == ("沙盒 2", False, "sandbox")

    browser.post(f"{BASE}{source.pk}/enabled/", {"enabled": "1"})
    source.refresh_from_db()
    assert source.enabled is True

    browser.post(f"{BASE}{source.pk}/reset/")
    source.refresh_from_db()
    assert (source.cursor, source.state) == ("", "idle")
    assert audit_count("listening.source_reset") == 1

    browser.post(f"{BASE}{source.pk}/delete/")
    assert not Source.objects.exists()


def test_it_keeps_writes_from_those_who_cannot_manage(team, source):
    assert team.browser("dave").get(f"{BASE}new/").status_code == 403
    assert team.browser("carol").post(f"{BASE}{source.pk}/reset/").status_code == 403
    assert team.browser("dave").post(f"{BASE}{source.pk}/delete/").status_code == 403
    assert team.browser("charlie").get(f"{BASE}{source.pk}/").status_code == 404
    source.refresh_from_db()
    assert source.cursor == "77"


def test_it_keeps_only_the_settings_of_the_kind(team, settings, tmp_path):
    settings.LISTENING_REPLAY_DIRS = [tmp_path]
    (tmp_path / "ced.jsonl").write_text('{"text": "华为"}\n', encoding="utf-8")

    response = team.browser("erin").post(
        f"{BASE}new/",
        {
            "name": "回放",
            "kind": "replay",
            "path": "ced.jsonl",
            "speed": "60",
            "hashtag": "ignored",
            "keywords": "ignored",
            "enabled": "on",
        },
    )

    assert response.status_code == 302
    assert Source.objects.get().config == {"path": "ced.jsonl", "speed": 60.0}


def test_it_sends_jetstream_keywords_one_per_line(team):
    team.browser("erin").post(
        f"{BASE}new/",
        {"name": "蓝天", "kind": "jetstream", "keywords": "Huawei\n\n华为 \n", "enabled": "on"},
    )

    assert Source.objects.get().config == {"keywords": ["huawei", "华为"]}
