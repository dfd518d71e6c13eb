"""The SLA pages in a real browser: the report's charts draw, a calendar is added from the form."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import browser, log_in, page, shot  # noqa: F401
from socialops.conftest import Team
from socialops.core.clock import now
from socialops.sla.actions import ensure_default_policies
from socialops.sla.escalation import run_once
from socialops.sla.models import Calendar, CalendarDay

pytestmark = pytest.mark.browser


def test_it_draws_the_report_charts(
    page: Page,  # noqa: F811 - the fixture imported above
    team: Team,
    inbox,
) -> None:
    ensure_default_policies(team.workspace)
    start = now() - timedelta(days=3)
    for day in range(3):
        for minutes, who in [(5, team.dave), (50, team.bob), (3000, team.dave)]:
            asked = start + timedelta(days=day)
            with time_machine.travel(asked, tick=False) as traveller:
                conversation = inbox.conversation(kind=["dm", "comment", "mention"][day])
                inbox.inbound(conversation)
                traveller.move_to(asked + timedelta(minutes=minutes))
                run_once()
                inbox.outbound(conversation, by=who)
    log_in(page, team.erin.email)

    page.goto(f"/w/{team.workspace.slug}/interaction/sla/")

    expect(page.locator("[data-tab=sla]")).to_have_class("nav-link active")
    expect(page.locator("[data-sla-chart=trend] canvas")).to_have_count(1)
    expect(page.locator("[data-sla-chart=agents] canvas")).to_have_count(1)
    expect(page.locator("#by-agent")).to_contain_text("Dave")
    shot(page, "sla-report.png")


def test_it_adds_a_calendar_with_holidays_and_makeup_days(
    page: Page,  # noqa: F811 - the fixture imported above
    team: Team,
) -> None:
    log_in(page, team.bob.email)
    page.goto(f"/w/{team.workspace.slug}/interaction/sla/calendars/")

    form = page.locator("#calendar-add")
    form.locator("#id_name").fill("客服排班")
    form.locator("#id_hours_5").fill("10:00-16:00")
    form.locator("#id_holidays").fill("2026-10-01 国庆节\n2026-10-02 国庆节")
    form.locator("#id_workdays").fill("2026-10-10 国庆调休")
    form.locator("button[type=submit]").click()

    card = page.locator("[data-calendar]")
    expect(card).to_contain_text("客服排班")
    expect(card.locator("[data-day='2026-10-10']")).to_contain_text("国庆调休")
    calendar = Calendar.objects.get(name="客服排班")
    assert calendar.hours["5"] == [["10:00", "16:00"]]
    assert calendar.hours["0"] == [["09:00", "12:00"], ["13:30", "18:00"]]
    assert CalendarDay.objects.filter(calendar=calendar).count() == 3
    shot(page, "sla-calendars.png")
