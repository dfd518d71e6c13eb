"""The catalog and the advisor in a real browser (Debian Chromium through Playwright)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import log_in, shot
from socialops.conftest import Team

pytestmark = pytest.mark.browser


def test_it_opens_the_catalog_filters_it_and_opens_a_platform(page: Page, team: Team) -> None:
    log_in(page, team.carol.email)

    page.locator("#main-nav a", has_text="平台").click()

    expect(page).to_have_url(re.compile(r"/w/acme/platform/$"))
    expect(page.locator("#main-nav a.nav-link.active")).to_have_text("平台")
    expect(page.locator("#platform-nav a.active")).to_have_text("平台目录")
    expect(page.locator("#platform-cards .card")).to_have_count(18)
    shot(page, "platform-catalog.png")

    page.locator("#catalog-filter select[name=status]").select_option("retired")
    page.locator("#catalog-filter button[type=submit]").click()

    expect(page.locator("#platform-cards .card")).to_have_count(2)
    expect(page.locator("[data-platform='tencent_weibo']")).to_contain_text("2020-09-28 停运")
    page.locator("[data-platform='renren'] a").click()
    expect(page.locator("h1")).to_contain_text("人人网")
    expect(page.locator("#platform-audience")).to_contain_text("粗略估计")


def test_it_runs_the_advisor_and_shows_reasons_and_a_matrix(page: Page, team: Team) -> None:
    log_in(page, team.dave.email)
    page.goto("/w/acme/platform/advisor/")
    expect(page.locator("#advisor-empty")).to_be_visible()

    page.locator("#id_team_hours_per_week").fill("20")
    page.locator("#advisor-brief button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"team_hours_per_week=20"))
    ranking = page.locator("#advisor-ranking li[data-platform]")
    expect(ranking).to_have_count(16)
    expect(ranking.first).to_contain_text("推荐")
    expect(ranking.first.locator("[data-verdict]")).to_have_count(8)
    expect(page.locator("#advisor-excluded")).to_contain_text("腾讯微博")
    expect(page.locator("#matrix-hours")).to_contain_text("每周 20 小时")
    expect(page.locator("#advisor-matrix tbody tr").first).to_contain_text("品牌账号")
    expect(page.locator("#platform-nav a.active")).to_have_text("平台选择")
    shot(page, "platform-advisor.png")

    permalink = page.locator("#advisor-permalink").get_attribute("href")
    assert permalink and "industry=beauty" in permalink
