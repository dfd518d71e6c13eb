"""The listening queries API: CRUD, validate with positions, preview, counts; 4xx and roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from socialops.conftest import audit_count, error_of
from socialops.listening.models import ListeningQuery, MinuteCount, SamplePost

BRAND = {"name": "华为", "text": "华为 AND (手机 OR 平板) -招聘", "kind": "brand"}
NOON = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def sample(team, text, minutes_ago=0, **fields):
    return SamplePost.objects.create(
        workspace=team.workspace,
        platform=fields.pop("platform", "weibo"),
        remote_id=fields.pop("remote_id", f"r{SamplePost.objects.count() + 1}"),
        text=text,
        posted_at=fields.pop("posted_at", None)
        or datetime.now(tz=UTC) - timedelta(minutes=minutes_ago),
        **fields,
    )


def test_it_creates_reads_updates_and_deletes_a_query(team):
    erin = team.api("erin")

    created = erin.post("/listening/queries", BRAND)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["text"] == BRAND["text"]
    assert body["version"] == 1
    assert body["series"] == "华为"
    assert audit_count("listening.query_created") == 1
    assert team.api("dave").get(f"/listening/queries/{body['id']}").json()["name"] == "华为"
    assert len(team.api("carol").get("/listening/queries").json()["results"]) == 1

    patched = erin.patch(
        f"/listening/queries/{body['id']}", {"text": "华为 OR 荣耀", "group": "我方"}
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["version"] == 2
    assert patched.json()["series"] == "我方"
    assert patched.json()["updated_at"] > body["updated_at"]
    assert audit_count("listening.query_updated") == 1

    unchanged = erin.patch(f"/listening/queries/{body['id']}", {"active": True})
    assert unchanged.json()["version"] == 2  # nothing changed: no reload, no audit row
    assert audit_count("listening.query_updated") == 1

    assert erin.delete(f"/listening/queries/{body['id']}").status_code == 204
    assert not ListeningQuery.objects.exists()
    assert audit_count("listening.query_deleted") == 1


def test_it_refuses_a_malformed_query_with_its_position(team):
    response = team.api("erin").post("/listening/queries", {**BRAND, "text": "华为 AND (手机"})

    assert response.status_code == 422
    error = error_of(response)
    assert "text" in error["fields"]
    assert error["position"] == 7
    assert error["caret"].splitlines() == ["华为 AND (手机", " " * 4 + " " * 5 + "^"]
    assert not ListeningQuery.objects.exists()


def test_it_refuses_an_enormous_query_with_a_short_excerpt(team):
    response = team.api("erin").post("/listening/queries/validate", {"text": "华为 " * 1500})

    assert response.status_code == 422
    error = error_of(response)
    assert error["position"] == 4000
    assert len(error["caret"].splitlines()[0]) < 80
    body_too_big = team.api("erin").post("/listening/queries", {**BRAND, "text": "x" * 30_000})
    assert body_too_big.status_code == 422
    assert "text" in error_of(body_too_big)["fields"]


def test_it_validates_and_gives_the_canonical_form(team):
    response = team.api("dave").post("/listening/queries/validate", {"text": '"售后 服务"~5'})

    assert response.status_code == 200, response.content
    assert response.json() == {"ok": True, "canonical": '"售后 服务"~5', "required": ["售后"]}
    unanchored = team.api("dave").post("/listening/queries/validate", {"text": "author:人民日报"})
    assert unanchored.json()["required"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "gossip"}, "kind"),
        ({"spike_ratio": 1}, "spike_ratio"),
        ({"spike_floor": 0}, "spike_floor"),
        ({"negative_share": 1.5}, "negative_share"),
        ({"cooldown_minutes": 0}, "cooldown_minutes"),
        ({"name": ""}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"active": "yes"}, "active"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_it_refuses_bad_fields(team, changes, field):
    response = team.api("erin").post("/listening/queries", {**BRAND, **changes})

    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert not ListeningQuery.objects.exists()


def test_it_refuses_a_duplicate_name_with_a_conflict(team):
    erin = team.api("erin")
    first = erin.post("/listening/queries", BRAND).json()
    other = erin.post("/listening/queries", {**BRAND, "name": "荣耀"}).json()

    again = erin.post("/listening/queries", BRAND)
    renamed = erin.patch(f"/listening/queries/{other['id']}", {"name": "华为"})

    assert again.status_code == 409
    assert "name" in error_of(again)["fields"]
    assert renamed.status_code == 409
    assert ListeningQuery.objects.get(pk=other["id"]).name == "荣耀"
    assert ListeningQuery.objects.get(pk=first["id"]).version == 1


def test_it_hides_other_workspaces_queries(team):
    created = team.api("erin").post("/listening/queries", BRAND).json()
    charlie = team.api("charlie")

    assert charlie.get(f"/listening/queries/{created['id']}").status_code == 404
    assert charlie.patch(f"/listening/queries/{created['id']}", {"name": "x"}).status_code == 404
    assert charlie.delete(f"/listening/queries/{created['id']}").status_code == 404
    assert charlie.get(f"/listening/queries/{created['id']}/counts").status_code == 404
    assert charlie.get("/listening/queries").json()["results"] == []
    assert ListeningQuery.objects.get().name == "华为"


@pytest.mark.parametrize("who", ["carol", "dave"])
def test_it_lets_only_managers_write(team, who):
    created = team.api("erin").post("/listening/queries", BRAND).json()
    client = team.api(who)

    assert client.post("/listening/queries", {**BRAND, "name": "x"}).status_code == 403
    assert client.patch(f"/listening/queries/{created['id']}", {"name": "x"}).status_code == 403
    assert client.delete(f"/listening/queries/{created['id']}").status_code == 403
    assert client.post("/listening/queries/validate", {"text": "a"}).status_code == 200
    assert client.post("/listening/queries/preview", {"text": "a"}).status_code == 200
    assert ListeningQuery.objects.get().name == "华为"


def test_it_previews_a_query_over_stored_posts(team):
    sample(team, "我的华为手机坏了 <b>", minutes_ago=5, author_handle="xiaoming")
    sample(team, "华为招聘手机工程师", minutes_ago=4)
    sample(team, "华为平板真好", minutes_ago=3)
    sample(team, "苹果手机", minutes_ago=2)

    response = team.api("dave").post("/listening/queries/preview", {"text": BRAND["text"]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scanned"] == 4
    assert body["matched"] == 2
    assert [hit["text"] for hit in body["hits"]] == ["华为平板真好", "我的华为手机坏了 <b>"]
    assert body["hits"][0]["spans"] == [[0, 4]]
    assert body["hits"][1]["spans"] == [[2, 6]]
    assert body["hits"][1]["author"] == "xiaoming"
    assert body["per_day"] > 0
    bad = team.api("dave").post("/listening/queries/preview", {"text": "(华为"})
    assert bad.status_code == 422
    assert error_of(bad)["position"] == 0


def test_it_counts_a_query_per_bucket(team):
    created = team.api("erin").post("/listening/queries", BRAND).json()
    for minute, total, negative in [(0, 3, 1), (1, 2, 0), (65, 4, 4)]:
        MinuteCount.objects.create(
            workspace=team.workspace,
            query_id=created["id"],
            minute=NOON + timedelta(minutes=minute),
            total=total,
            negative=negative,
        )
    with time_machine.travel(NOON + timedelta(hours=3)):
        hourly = team.api("dave").get(
            f"/listening/queries/{created['id']}/counts",
            {"from": "2026-11-20T12:00+08:00", "to": "2026-11-20T14:00+08:00", "bucket": "hour"},
        )
        daily = team.api("dave").get(
            f"/listening/queries/{created['id']}/counts", {"bucket": "day"}
        )
        inverted = team.api("dave").get(
            f"/listening/queries/{created['id']}/counts",
            {"from": "2026-11-20T14:00+08:00", "to": "2026-11-20T12:00+08:00"},
        )
        too_many = team.api("dave").get(
            f"/listening/queries/{created['id']}/counts",
            {"from": "2026-01-01T00:00+08:00", "bucket": "minute"},
        )

    assert hourly.status_code == 200, hourly.content
    assert [(c["total"], c["negative"]) for c in hourly.json()["counts"]] == [(5, 1), (4, 4)]
    assert [c["total"] for c in daily.json()["counts"]] == [0, 9]  # the 19th (local) and 20th
    assert inverted.status_code == 422
    assert "from" in error_of(inverted)["fields"]
    assert too_many.status_code == 422


def test_it_offers_the_kinds_the_models_know():
    from typing import get_args

    from socialops.listening.models import QueryKind, SourceKind
    from socialops.listening.schemas_queries import Kind, SourceKindName

    assert set(get_args(Kind)) == set(QueryKind.values)
    assert set(get_args(SourceKindName)) == set(SourceKind.values)


def test_it_answers_a_name_taken_meanwhile_with_a_conflict(team, monkeypatch):
    from socialops.listening import actions

    team.api("erin").post("/listening/queries", BRAND)
    # as if a concurrent request took the name between the check and the insert
    monkeypatch.setattr(actions, "_raise", lambda fields, duplicate: None)

    again = team.api("erin").post("/listening/queries", BRAND)

    assert again.status_code == 409
    assert ListeningQuery.objects.count() == 1


def test_it_steps_hours_through_a_daylight_saving_change():
    from zoneinfo import ZoneInfo

    from socialops.listening.queries import bucket_starts

    new_york = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 EST; clocks jump 02:00 → 03:00

    starts = bucket_starts(start, start + timedelta(hours=4), "hour", new_york)

    assert [s.astimezone(UTC).hour for s in starts] == [5, 6, 7, 8]
    assert [s.hour for s in starts] == [0, 1, 3, 4]
