"""The dashboard's numbers: volume per query, sentiment, share of voice and top authors."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from socialops.conftest import error_of

from .test_mentions_support import mention, minute, query

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)


def test_it_counts_volume_sentiment_share_of_voice_and_authors(team):
    ours = query(team.workspace, "安可", kind="brand", group="安可")
    product = query(team.workspace, "安可手机", kind="product")
    rival = query(team.workspace, "竞品A", kind="competitor", group="竞品")
    rival_two = query(team.workspace, "竞品A英文", kind="competitor", group="竞品")
    minute(ours, NOON - timedelta(hours=3), 5, negative=2, positive=1)
    minute(ours, NOON - timedelta(hours=3, minutes=-10), 4)
    minute(ours, NOON - timedelta(hours=1), 7)
    minute(product, NOON - timedelta(hours=1), 2)
    minute(rival, NOON - timedelta(hours=2), 3)
    minute(rival_two, NOON - timedelta(hours=2), 1)
    minute(ours, NOON - timedelta(days=3), 100)  # before the period
    kw: dict[str, Any] = {
        "author_remote_id": "m1",
        "author_handle": "media1",
        "author_type": "media",
    }
    mention(team.workspace, "安可好", sentiment="positive", at=NOON - timedelta(hours=3), **kw)
    mention(team.workspace, "安可差", sentiment="negative", at=NOON - timedelta(hours=3), **kw)
    mention(team.workspace, "安可一般", sentiment="neutral", at=NOON - timedelta(hours=1))
    mention(team.workspace, "安可旧", sentiment="negative", at=NOON - timedelta(days=3))

    with time_machine.travel(NOON, tick=False):
        response = team.api("carol").get(
            "/listening/dashboard",
            {"from": "2026-11-20T06:00:00+08:00", "to": "2026-11-20T12:00:00+08:00"},
        )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["bucket"] == "minute" and len(body["buckets"]) == 360
    with time_machine.travel(NOON, tick=False):
        body = (
            team.api("carol")
            .get(
                "/listening/dashboard",
                {"from": "2026-11-20T00:00:00+08:00", "to": "2026-11-20T12:00:00+08:00"},
            )
            .json()
        )
    assert body["bucket"] == "hour" and len(body["buckets"]) == 12
    assert body["buckets"][9] == "2026-11-20T09:00:00+08:00"
    volume = {v["name"]: v["data"] for v in body["volume"]}
    assert volume["安可"][9] == 9 and volume["安可"][11] == 7 and sum(volume["安可"]) == 16
    assert sum(volume["安可手机"]) == 2
    assert body["sentiment"]["positive"][9] == 1
    assert body["sentiment"]["negative"][9] == 1
    assert body["sentiment"]["neutral"][11] == 1
    assert body["total"] == 3
    share = {s["series"]: (s["kind"], s["total"]) for s in body["share_of_voice"]}
    assert share == {"安可": ("brand", 16), "竞品": ("competitor", 4)}
    top = body["top_authors"][0]
    assert (top["handle"], top["mentions"], top["author_type"]) == ("media1", 2, "media")


def test_it_uses_days_for_long_periods_and_refuses_bad_ones(team):
    api = team.api("dave")
    with time_machine.travel(NOON, tick=False):
        body = api.get("/listening/dashboard", {"from": "2026-11-01", "to": "2026-11-20"}).json()
        assert body["bucket"] == "day" and len(body["buckets"]) == 20
        assert body["buckets"][0] == "2026-11-01T00:00:00+08:00"
        default = api.get("/listening/dashboard").json()
        assert default["bucket"] == "hour" and len(default["buckets"]) == 24
        for params, field in [
            ({"from": "yesterday"}, "from"),
            ({"from": "2026-11-20", "to": "2026-11-01"}, "from"),
            ({"from": "2020-01-01", "to": "2026-11-20"}, "to"),
        ]:
            response = api.get("/listening/dashboard", params)
            assert response.status_code == 422, params
            assert field in error_of(response)["fields"]
