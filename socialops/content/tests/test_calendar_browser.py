"""The calendar in a real browser: a manager drags a scheduled post to another day."""

from __future__ import annotations

import zoneinfo
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import log_in, shot
from socialops.conftest import Team
from socialops.content.calendar import at_local, month_grid
from socialops.core.clock import now
from socialops.publishing.models import Publication

from .test_calendar_views import approved, connect

pytestmark = pytest.mark.browser


def days_to_drag(team: Team) -> tuple[zoneinfo.ZoneInfo, date, date]:
    """A day three days ahead and a neighbouring day in the same month grid."""
    zone = zoneinfo.ZoneInfo(team.workspace.time_zone)
    day = now().astimezone(zone).date() + timedelta(days=3)
    grid = [d for week in month_grid(day.year, day.month) for d in week]
    after = day + timedelta(days=1)
    return zone, day, after if after in grid else day - timedelta(days=1)


def test_it_moves_a_post_by_dragging_it_to_another_day(page: Page, team: Team) -> None:
    zone, day, target = days_to_drag(team)
    post = approved(team, [connect(team)], at_local(day, time(20, 0), zone), body="拖动我")
    publication = Publication.objects.get(post=post)

    log_in(page, team.bob.email)
    page.goto(f"/w/acme/content/calendar/?date={day.isoformat()}")
    chip = page.locator(f"#calendar-month .so-chip[data-post='{post.pk}']")
    cell = page.locator(f"#calendar-month td[data-day='{target.isoformat()}']")
    expect(page.locator(f"#calendar-month td[data-day='{day.isoformat()}']")).to_contain_text(
        "拖动我"
    )
    chip.drag_to(cell)

    expect(page.locator("[data-calendar-toast=ok]")).to_be_visible()
    expect(cell.locator(f".so-chip[data-post='{post.pk}']")).to_contain_text("20:00")
    shot(page, "content-calendar-month.png")
    publication.refresh_from_db()
    assert publication.due_at == at_local(target, time(20, 0), zone)
    page.reload()
    expect(cell.locator(f".so-chip[data-post='{post.pk}']")).to_be_visible()


def test_it_puts_a_refused_move_back_with_a_message(page: Page, team: Team) -> None:
    zone, day, target = days_to_drag(team)
    post = approved(team, [connect(team)], at_local(day, time(20, 0), zone), body="已开始")

    log_in(page, team.bob.email)
    page.goto(f"/w/acme/content/calendar/?date={day.isoformat()}")
    # a worker claims the post while the page is open
    Publication.objects.filter(post=post).update(state=Publication.State.PUBLISHING)
    chip = page.locator(f"#calendar-month .so-chip[data-post='{post.pk}']")
    cell = page.locator(f"#calendar-month td[data-day='{target.isoformat()}']")
    chip.drag_to(cell)

    expect(page.locator("[data-calendar-toast=error]")).to_contain_text("发布已经开始")
    expect(cell.locator(f".so-chip[data-post='{post.pk}']")).to_have_count(0)
    home = page.locator(f"#calendar-month td[data-day='{day.isoformat()}']")
    expect(home.locator(f".so-chip[data-post='{post.pk}']")).to_be_visible()
    assert Publication.objects.get(post=post).due_at == at_local(day, time(20, 0), zone)


def test_it_moves_a_post_with_the_keyboard_dialog(page: Page, team: Team) -> None:
    zone, day, target = days_to_drag(team)
    post = approved(team, [connect(team)], at_local(day, time(20, 0), zone), body="键盘")

    log_in(page, team.bob.email)
    page.goto(f"/w/acme/content/calendar/?date={day.isoformat()}")
    page.locator(f".so-chip[data-post='{post.pk}'] .so-chip-move").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#move-dialog")
    expect(dialog).to_be_visible()
    shot(page, "content-calendar-move-dialog.png")
    dialog.locator("#move-day").fill(target.isoformat())
    dialog.locator("#move-time").fill("08:45")
    dialog.locator("button[type=submit]").click()

    expect(page.locator(".so-messages")).to_contain_text(f"{target.isoformat()} 08:45")
    assert Publication.objects.get(post=post).due_at == at_local(target, time(8, 45), zone)


def test_it_shows_the_week_with_best_times_and_the_mix_chart(page: Page, team: Team) -> None:
    from socialops.content.models import ContentPillar

    zone, day, _target = days_to_drag(team)
    channel = connect(team)
    pillar = ContentPillar.objects.create(
        workspace=team.workspace, name="行业", colour="#6f42c1", target_share=40
    )
    approved(team, [channel], at_local(day, time(9, 30), zone), body="周报", pillar_id=pillar.pk)

    log_in(page, team.bob.email)
    page.goto(f"/w/acme/content/calendar/?view=week&date={day.isoformat()}&channel={channel.pk}")
    expect(page.locator(f"td[data-day='{day.isoformat()}'][data-hour='9']")).to_contain_text("周报")
    expect(page.locator("#best-times li[data-hour]")).to_have_count(5)
    shot(page, "content-calendar-week.png")
    page.goto("/w/acme/content/mix/")
    expect(page.locator("#mix-chart canvas")).to_have_count(1)
    shot(page, "content-mix.png")
    page.goto("/w/acme/content/pillars/")
    expect(page.locator("#mix-summary")).to_contain_text("行业")
    page.goto(f"/w/acme/content/slots/?channel={channel.pk}")
    card = page.locator(f"#slots-{channel.pk}")
    card.locator("select[name=weekday]").select_option("2")
    card.locator("input[name=time]").fill("19:45")
    card.locator("button[type=submit]").click()
    expect(page.locator(f"#slots-{channel.pk} .so-slot-list")).to_contain_text("19:45")
    shot(page, "content-slots.png")
