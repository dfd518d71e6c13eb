"""The SLA pages: the report, policies and calendars, by role; forms and other workspaces."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socialops.sla.actions import ensure_default_policies
from socialops.sla.models import Calendar, CalendarDay, Policy


def url(name, team, **kwargs):
    return reverse(name, kwargs={"slug": team.workspace.slug, **kwargs})


@pytest.mark.parametrize("page", ["sla_report", "sla_policies", "sla_calendars"])
@pytest.mark.parametrize("persona", ["alice", "dave", "erin", "carol"])
def test_it_shows_the_pages_to_every_member(team, page, persona):
    ensure_default_policies(team.workspace)

    response = team.browser(persona).get(url(page, team))

    assert response.status_code == 200
    assert b'data-tab="sla"' in response.content
    manage = b"sla_policy_new" in response.content or b"/policies/new/" in response.content
    assert manage == (persona == "alice" and page == "sla_policies")


def test_it_draws_the_report_with_its_charts(team, inbox):
    ensure_default_policies(team.workspace)
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    inbox.outbound(conversation, by=team.dave)

    response = team.browser("erin").get(url("sla_report", team))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="sla-chart"' in content
    assert "sla/report.js" in content
    assert "echarts" in content
    assert 'data-total="hit_rate">100%' in content
    assert "Dave" in content


def test_it_survives_a_bad_period(team):
    response = team.browser("alice").get(
        url("sla_report", team), {"from": "2026-12-01", "to": "2026-01-01"}
    )

    assert response.status_code == 200


def test_it_adds_edits_and_deletes_a_policy(team):
    alice = team.browser("alice")
    calendar = Calendar.objects.create(
        workspace=team.workspace, name="班", hours={"0": [["09:00", "18:00"]]}
    )

    created = alice.post(
        url("sla_policy_new", team),
        {
            "name": "投诉",
            "kinds": ["comment", "dm"],
            "priorities": ["2"],
            "first_response_minutes": "20",
            "calendar": str(calendar.pk),
            "warn_percent": "75",
            "enabled": "on",
        },
    )
    assert created.status_code == 302
    policy = Policy.objects.get(name="投诉")
    assert (policy.kinds, policy.priorities, policy.calendar) == (["comment", "dm"], [2], calendar)

    page = alice.get(url("sla_policy_edit", team, policy_id=policy.pk))
    assert page.status_code == 200
    assert "投诉" in page.content.decode()
    saved = alice.post(
        url("sla_policy_edit", team, policy_id=policy.pk),
        {
            "name": "投诉",
            "first_response_minutes": "",
            "resolution_minutes": "60",
            "warn_percent": "0",
        },
    )
    assert saved.status_code == 302
    policy.refresh_from_db()
    assert (policy.first_response_minutes, policy.resolution_minutes) == (None, 60)
    assert policy.calendar is None and not policy.enabled

    assert alice.post(url("sla_policy_delete", team, policy_id=policy.pk)).status_code == 302
    assert not Policy.objects.exists()


def test_it_shows_policy_form_errors(team):
    response = team.browser("alice").post(
        url("sla_policy_new", team), {"name": "x", "warn_percent": "80"}
    )

    assert response.status_code == 422
    assert "Give at least one target." in response.content.decode()
    assert not Policy.objects.exists()


def test_it_adds_the_defaults_from_the_page(team):
    response = team.browser("bob").post(url("sla_policy_defaults", team))

    assert response.status_code == 302
    assert Policy.objects.filter(workspace=team.workspace).count() == 4


def test_it_adds_and_edits_a_calendar_with_holidays_and_makeup_days(team):
    alice = team.browser("alice")

    created = alice.post(
        url("sla_calendar_new", team),
        {
            "name": "客服",
            "time_zone": "",
            "hours_0": "09:00-12:00, 13:30-18:00",
            "hours_4": "09:00-17:00",
            "holidays": "2026-10-01 国庆节\n2026-10-02 国庆节\n",
            "workdays": "2026-10-10 国庆调休\n2026-09-27 调休 10:00-15:00",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    calendar = Calendar.objects.get(name="客服")
    assert calendar.hours == {
        "0": [["09:00", "12:00"], ["13:30", "18:00"]],
        "4": [["09:00", "17:00"]],
    }
    days = {(d.date.isoformat(), d.kind, d.name, str(d.hours)) for d in CalendarDay.objects.all()}
    assert days == {
        ("2026-10-01", "holiday", "国庆节", "[]"),
        ("2026-10-02", "holiday", "国庆节", "[]"),
        ("2026-10-10", "workday", "国庆调休", "[]"),
        ("2026-09-27", "workday", "调休", "[['10:00', '15:00']]"),
    }
    listed = alice.get(url("sla_calendars", team)).content.decode()
    assert "国庆调休" in listed

    page = alice.get(url("sla_calendar_edit", team, calendar_id=calendar.pk)).content.decode()
    assert "2026-09-27 调休 10:00-15:00" in page
    saved = alice.post(
        url("sla_calendar_edit", team, calendar_id=calendar.pk),
        {"name": "客服", "always_open": "on", "holidays": "", "workdays": ""},
    )
    assert saved.status_code == 302
    calendar.refresh_from_db()
    assert calendar.always_open
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "a", "hours_0": "18:00-09:00"}, "Give ranges like"),
        ({"name": "a", "hours_0": "09:00-18:00", "holidays": "十月一日"}, "Line 1"),
        ({"name": "a"}, "at least one weekday"),
        (
            {"name": "a", "hours_0": "09:00-18:00", "time_zone": "Mars/Base"},
            "not a known time zone",
        ),
    ],
)
def test_it_shows_calendar_form_errors(team, data, message):
    response = team.browser("alice").post(url("sla_calendar_new", team), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Calendar.objects.exists()


def test_it_keeps_a_calendar_in_use(team):
    ensure_default_policies(team.workspace)
    calendar = Calendar.objects.get()

    response = team.browser("alice").post(url("sla_calendar_delete", team, calendar_id=calendar.pk))

    assert response.status_code == 302
    assert Calendar.objects.filter(pk=calendar.pk).exists()


@pytest.mark.parametrize("persona", ["dave", "erin", "carol"])
def test_it_refuses_changes_without_inbox_manage(team, persona):
    ensure_default_policies(team.workspace)
    policy = Policy.objects.filter(workspace=team.workspace).order_by("position")[0]
    client = team.browser(persona)

    assert client.post(url("sla_policy_delete", team, policy_id=policy.pk)).status_code == 403
    assert client.get(url("sla_policy_edit", team, policy_id=policy.pk)).status_code == 403
    assert client.post(url("sla_calendar_new", team), {"name": "x"}).status_code == 403
    assert Policy.objects.filter(pk=policy.pk).exists()


def test_it_answers_404_for_another_workspaces_policy_and_calendar(team):
    ensure_default_policies(team.other)
    policy = Policy.objects.filter(workspace=team.other).order_by("position")[0]
    calendar = Calendar.objects.get(workspace=team.other)
    alice = team.browser("alice")

    assert alice.get(url("sla_policy_edit", team, policy_id=policy.pk)).status_code == 404
    assert alice.post(url("sla_policy_delete", team, policy_id=policy.pk)).status_code == 404
    assert alice.get(url("sla_calendar_edit", team, calendar_id=calendar.pk)).status_code == 404
    assert alice.post(url("sla_calendar_delete", team, calendar_id=calendar.pk)).status_code == 404
    assert Policy.objects.filter(pk=policy.pk).exists()
