"""The SLA API: policies and calendars CRUD, the report, clocks; 4xx and other workspaces."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from socialops.conftest import audit_count, error_of
from socialops.sla.actions import ensure_default_policies
from socialops.sla.models import Calendar, CalendarDay, Policy

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR = {
    "name": "客服排班",
    "hours": {"0": [["09:00", "12:00"], ["13:30", "18:00"]], "5": [["10:00", "16:00"]]},
    "days": [
        {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"},
        {"date": "2026-10-10", "kind": "workday", "name": "国庆调休"},
    ],
}


def test_it_creates_reads_updates_and_deletes_a_calendar(team):
    bob = team.api("bob")

    created = bob.post("/sla/calendars", CALENDAR)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["hours"] == {
        "0": [["09:00", "12:00"], ["13:30", "18:00"]],
        "5": [["10:00", "16:00"]],
    }
    assert [(d["date"], d["kind"], d["name"]) for d in body["days"]] == [
        ("2026-10-01", "holiday", "国庆节"),
        ("2026-10-10", "workday", "国庆调休"),
    ]
    assert audit_count("sla.calendar_created") == 1

    patched = bob.patch(
        f"/sla/calendars/{body['id']}",
        {"time_zone": "America/New_York", "days": [{"date": "2026-12-25", "name": "Christmas"}]},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["time_zone"] == "America/New_York"
    assert [d["date"] for d in patched.json()["days"]] == ["2026-12-25"]
    assert patched.json()["hours"] == body["hours"]  # left as it was
    assert team.api("dave").get(f"/sla/calendars/{body['id']}").status_code == 200
    assert len(team.api("erin").get("/sla/calendars").json()["results"]) == 1

    assert bob.delete(f"/sla/calendars/{body['id']}").status_code == 204
    assert not Calendar.objects.exists()
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CALENDAR, "hours": {"0": [["18:00", "09:00"]]}}, "hours.0"),
        ({**CALENDAR, "hours": {"7": [["09:00", "18:00"]]}}, "hours"),
        ({**CALENDAR, "hours": {"0": [["9", "25:00"]]}}, "hours.0"),
        ({**CALENDAR, "hours": {}}, "hours"),
        ({**CALENDAR, "time_zone": "Mars/Olympus"}, "time_zone"),
        ({**CALENDAR, "name": "  "}, "name"),
        ({**CALENDAR, "days": [{"date": "2026-10-01"}, {"date": "2026-10-01"}]}, "days.1"),
        ({**CALENDAR, "days": [{"date": "2026-13-01"}]}, "days.0.date"),
        ({**CALENDAR, "days": [{"date": "2026-10-01", "hours": [["09:00", "10:00"]]}]}, "days.0"),
        ({**CALENDAR, "days": [{"date": "2026-10-01", "kind": "party"}]}, "days.0.kind"),
        ({**CALENDAR, "colour": "red"}, "colour"),
    ],
)
def test_it_refuses_a_bad_calendar_and_writes_nothing(team, body, field):
    response = team.api("alice").post("/sla/calendars", body)

    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert not Calendar.objects.exists()


def test_it_refuses_a_duplicate_calendar_name(team):
    alice = team.api("alice")
    alice.post("/sla/calendars", CALENDAR)

    response = alice.post("/sla/calendars", CALENDAR)

    assert response.status_code == 422
    assert "name" in error_of(response)["fields"]


def test_it_refuses_to_delete_a_calendar_in_use(team):
    ensure_default_policies(team.workspace)
    calendar = Calendar.objects.get(workspace=team.workspace)

    response = team.api("alice").delete(f"/sla/calendars/{calendar.pk}")

    assert response.status_code == 409
    assert "calendar_id" in error_of(response)["fields"]
    assert Calendar.objects.filter(pk=calendar.pk).exists()


def test_it_manages_policies(team):
    alice = team.api("alice")
    calendar_id = alice.post("/sla/calendars", CALENDAR).json()["id"]

    created = alice.post(
        "/sla/policies",
        {
            "name": "VIP 私信",
            "kinds": ["dm"],
            "priorities": [2, 3],
            "first_response_minutes": 10,
            "calendar_id": calendar_id,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["calendar_id"] == calendar_id
    assert body["warn_percent"] == 80
    assert body["next_response_minutes"] is None

    patched = alice.patch(
        f"/sla/policies/{body['id']}", {"calendar_id": None, "resolution_minutes": 600}
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["calendar_id"] is None
    assert patched.json()["resolution_minutes"] == 600
    assert patched.json()["first_response_minutes"] == 10

    cleared = alice.patch(f"/sla/policies/{body['id']}", {"first_response_minutes": None})
    assert cleared.json()["first_response_minutes"] is None
    assert audit_count("sla.policy_updated") == 2

    assert alice.delete(f"/sla/policies/{body['id']}").status_code == 204
    assert not Policy.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "first_response_minutes": 0}, "first_response_minutes"),
        ({"name": "x", "first_response_minutes": "30"}, "first_response_minutes"),
        ({"name": "x", "first_response_minutes": True}, "first_response_minutes"),
        ({"name": "x"}, "first_response_minutes"),
        ({"name": "x", "first_response_minutes": 5, "kinds": ["email"]}, "kinds.0"),
        ({"name": "x", "first_response_minutes": 5, "priorities": [4]}, "priorities.0"),
        ({"name": "x", "first_response_minutes": 5, "warn_percent": 100}, "warn_percent"),
        ({"name": "x", "first_response_minutes": 5, "calendar_id": 999999}, "calendar_id"),
    ],
)
def test_it_refuses_a_bad_policy(team, body, field):
    response = team.api("alice").post("/sla/policies", body)

    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert not Policy.objects.exists()


def test_it_refuses_agents_and_analysts_changes(team):
    ensure_default_policies(team.workspace)
    policy = Policy.objects.filter(workspace=team.workspace).order_by("position")[0]

    for name in ("dave", "erin", "carol"):
        client = team.api(name)
        assert client.get(f"/sla/policies/{policy.pk}").status_code == 200
        assert client.patch(f"/sla/policies/{policy.pk}", {"name": "y"}).status_code == 403
        assert client.post("/sla/policies/defaults").status_code == 403


def test_it_answers_404_for_another_workspaces_policies_and_calendars(team):
    ensure_default_policies(team.other)
    policy = Policy.objects.filter(workspace=team.other).order_by("position")[0]
    calendar = Calendar.objects.get(workspace=team.other)
    alice = team.api("alice")

    assert alice.get(f"/sla/policies/{policy.pk}").status_code == 404
    assert alice.patch(f"/sla/policies/{policy.pk}", {"name": "y"}).status_code == 404
    assert alice.delete(f"/sla/policies/{policy.pk}").status_code == 404
    assert alice.get(f"/sla/calendars/{calendar.pk}").status_code == 404
    assert alice.delete(f"/sla/calendars/{calendar.pk}").status_code == 404
    response = alice.post(
        "/sla/policies",
        {"name": "x", "first_response_minutes": 5, "calendar_id": calendar.pk},
    )
    assert response.status_code == 422
    assert alice.get("/sla/policies").json()["results"] == []


def test_it_adds_the_defaults_once(team):
    alice = team.api("alice")

    first = alice.post("/sla/policies/defaults")
    again = alice.post("/sla/policies/defaults")

    assert first.status_code == 200
    assert [p["id"] for p in first.json()] == [p["id"] for p in again.json()]
    applies = [(p["kinds"], p["priorities"]) for p in first.json()]
    assert applies == [([], [3]), (["dm"], []), (["mention"], []), (["comment"], [])]
    assert all(p["name"] for p in first.json())  # named in the caller's language
    assert first.json()[1]["first_response_minutes"] == 30
    assert first.json()[0]["calendar_id"] is None


def test_it_lists_a_conversations_clocks_and_hides_other_workspaces(team, inbox):
    ensure_default_policies(team.workspace)
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)

    mine = team.api("dave").get("/sla/clocks", {"conversation_id": conversation.pk})
    theirs = team.api("charlie").get("/sla/clocks", {"conversation_id": conversation.pk})

    assert mine.status_code == 200
    assert [c["metric"] for c in mine.json()] == ["first_response", "resolution"]
    assert theirs.status_code == 404
    assert team.api("dave").get("/sla/clocks").status_code == 422


def test_it_reports_hit_rate_and_first_response_times(team, inbox):
    ensure_default_policies(team.workspace)
    thursday = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(thursday, tick=False) as traveller:
        for minutes, who in [(5, team.dave), (10, team.dave), (20, team.bob), (45, team.bob)]:
            traveller.move_to(thursday)
            conversation = inbox.conversation(kind="dm")
            inbox.inbound(conversation)
            traveller.move_to(thursday + timedelta(minutes=minutes))
            if minutes > 30:
                from socialops.sla.escalation import run_once

                run_once()
            inbox.outbound(conversation, by=who)

        response = team.api("erin").get("/sla/report", {"from": "2026-11-26", "to": "2026-11-26"})

    assert response.status_code == 200, response.content
    body = response.json()
    first = next(g for g in body["by_metric"] if g["key"] == "first_response")
    assert (first["hit"], first["missed"], first["hit_rate"]) == (3, 1, 0.75)
    assert (first["answered"], first["median_seconds"]) == (4, 15 * 60)
    assert [g["key"] for g in body["by_metric"]] == ["first_response"]  # resolution still runs
    assert body["total"]["median_seconds"] == 15 * 60
    assert body["total"]["p90_seconds"] == pytest.approx((20 + 0.7 * 25) * 60)
    agents = {g["label"]: g for g in body["by_agent"]}
    assert agents["Dave"]["hit_rate"] == 1.0
    assert agents["Bob"]["median_seconds"] == 32.5 * 60
    assert [g["key"] for g in body["by_kind"]] == ["dm"]
    assert body["by_channel"][0]["label"] == "Acme 官方"
    assert body["daily"] == [{"day": "2026-11-26", "hit": 3, "missed": 1, "hit_rate": 0.75}]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
        ({"from": "0"}, "from"),
        ({"to": "1900-01-01"}, "to"),
    ],
)
def test_it_refuses_a_bad_report_period(team, params, field):
    response = team.api("alice").get("/sla/report", params)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]
