"""Numbers entered by hand or imported from CSV (manual platforms), and the metrics API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from socialops.accounts.queries import AccessDenied
from socialops.conftest import error_of, logged_after
from socialops.core.models import AuditEvent
from socialops.publishing import metrics
from socialops.publishing.models import MetricSnapshot, Publication

from .tracking import manual_account, published, sandbox_account

START = datetime(2026, 3, 3, 4, 0, tzinfo=UTC)
NOTE_URL = "https://www.xiaohongshu.com/explore/abc123"


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def by_hand(team: Any) -> Publication:
    return published(manual_account(team), on_platform=False, url=NOTE_URL)


def test_it_stores_numbers_entered_by_hand_as_a_manual_snapshot(team, clock, by_hand):
    snapshot = metrics.enter_metrics(
        access=team.access("carol"),
        publication=by_hand,
        counts={"impressions": 1200, "likes": 30, "comments": 4},
    )

    assert snapshot.step == "manual" and snapshot.collected_at == START
    assert (snapshot.impressions, snapshot.likes, snapshot.reposts) == (1200, 30, None)
    event = AuditEvent.objects.get(action="metrics.entered")
    assert event.actor == team.carol and event.target_id == str(by_hand.pk)
    assert logged_after(event)["likes"] == 30


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        ({"likes": -1}, "likes"),
        ({"likes": "many"}, "likes"),
        ({"likes": True}, "likes"),
        ({}, "__all__"),
        ({"shares": 3}, "shares"),
    ],
)
def test_it_refuses_numbers_that_are_not_counts(team, by_hand, counts, field):
    with pytest.raises(ValidationError) as raised:
        metrics.enter_metrics(access=team.access("carol"), publication=by_hand, counts=counts)
    assert field in raised.value.message_dict
    assert not MetricSnapshot.objects.exists()


def test_it_takes_numbers_only_for_published_posts_and_from_editors(team, by_hand):
    with pytest.raises(AccessDenied):
        metrics.enter_metrics(access=team.access("erin"), publication=by_hand, counts={"likes": 1})
    Publication.objects.filter(pk=by_hand.pk).update(state=Publication.State.MANUAL)
    by_hand.refresh_from_db()
    with pytest.raises(ValidationError):
        metrics.enter_metrics(access=team.access("carol"), publication=by_hand, counts={"likes": 1})
    assert not MetricSnapshot.objects.exists()


def test_it_imports_a_manual_accounts_numbers_from_csv(team, clock, by_hand):
    data = f'url,impressions,likes,reposts,comments\n{NOTE_URL},"5,000",120,7,9\n'.encode()

    result = metrics.import_metrics_csv(
        access=team.access("carol"), channel=by_hand.channel, data=data
    )

    assert result.stored == 1 and result.problems == []
    snapshot = MetricSnapshot.objects.get(publication=by_hand)
    assert (snapshot.step, snapshot.impressions, snapshot.likes) == ("manual", 5000, 120)
    assert AuditEvent.objects.get(action="metrics.imported").after == {"rows": 1}


def test_it_imports_nothing_when_a_line_is_wrong(team, by_hand):
    data = (
        "url,likes\n"
        f"{NOTE_URL},12\n"
        "https://www.xiaohongshu.com/explore/unknown,3\n"
        f"{NOTE_URL},lots\n"
        "https://weibo.com/1/2,3\n"
    ).encode()

    result = metrics.import_metrics_csv(
        access=team.access("carol"), channel=by_hand.channel, data=data
    )

    assert result.stored == 0
    assert sorted((p.line, p.column) for p in result.problems) == [
        (3, "url"),
        (4, "likes"),
        (5, "url"),
    ]
    assert not MetricSnapshot.objects.exists()
    assert not AuditEvent.objects.filter(action="metrics.imported").exists()


def test_it_imports_only_into_manual_accounts(team, clock):
    channel = sandbox_account(team)
    with pytest.raises(ValidationError):
        metrics.import_metrics_csv(
            access=team.access("carol"), channel=channel, data=b"url,likes\n"
        )


# ---- API ---------------------------------------------------------------------------------


def test_it_lists_a_posts_snapshots_per_publication(team, clock):
    publication = published(sandbox_account(team), at=START)
    clock.move_to(START + timedelta(hours=1, minutes=1))
    metrics.collect_due(limit=10)

    response = team.api("erin").get(f"/posts/{publication.post_id}/metrics")

    assert response.status_code == 200
    (row,) = response.json()
    assert row["publication_id"] == publication.pk and row["platform"] == "weibo"
    assert [s["step"] for s in row["snapshots"]] == ["1h"]
    assert row["latest"]["impressions"] == row["snapshots"][0]["impressions"]
    assert row["next_collection_at"].startswith("2026-03-03T10:00")
    assert row["link_clicks"] == 0


def test_it_refreshes_through_the_api(team, clock):
    publication = published(sandbox_account(team), at=START)

    response = team.api("carol").post(f"/posts/{publication.post_id}/metrics/refresh")

    assert response.status_code == 200
    assert response.json() == {"stored": 1, "problems": []}
    assert team.api("erin").post(f"/posts/{publication.post_id}/metrics/refresh").status_code == 403


def test_it_takes_numbers_by_hand_through_the_api(team, clock, by_hand):
    api = team.api("carol")

    created = api.post(f"/publications/{by_hand.pk}/metrics", {"likes": 8, "impressions": 90})
    invalid = api.post(f"/publications/{by_hand.pk}/metrics", {"likes": -8})
    empty = api.post(f"/publications/{by_hand.pk}/metrics", {})

    assert created.status_code == 201
    assert created.json()["step"] == "manual" and created.json()["likes"] == 8
    assert invalid.status_code == 422 and "likes" in error_of(invalid)["fields"]
    assert empty.status_code == 422


def test_it_imports_csv_through_the_api_and_names_the_bad_lines(team, by_hand):
    api = team.api("carol")
    path = f"/channels/{by_hand.channel_id}/metrics/import"

    bad = api.post(path, {"csv": "url,likes\nhttps://weibo.com/x,1\n"})
    good = api.post(path, {"csv": f"url,likes\n{NOTE_URL},1\n"})

    assert bad.status_code == 422
    assert list(error_of(bad)["fields"]) == ["line 2.url"]
    assert good.status_code == 200 and good.json() == {"stored": 1}


def test_it_hides_other_workspaces_posts_and_publications(team, by_hand):
    outsider = team.api("charlie")

    assert outsider.get(f"/posts/{by_hand.post_id}/metrics").status_code == 404
    assert outsider.post(f"/publications/{by_hand.pk}/metrics", {"likes": 1}).status_code == 404
    assert (
        outsider.post(f"/channels/{by_hand.channel_id}/metrics/import", {"csv": ""}).status_code
        == 404
    )
