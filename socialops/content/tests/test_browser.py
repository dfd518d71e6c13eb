"""The Rules page in a real browser: a manager adds a rule, an editor's text is linted live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import log_in, shot
from socialops.conftest import Team

pytestmark = pytest.mark.browser


def test_it_adds_a_rule_and_lints_as_you_type(page: Page, team: Team) -> None:
    log_in(page, team.bob.email)
    page.locator("#main-nav a", has_text="内容").click()
    expect(page).to_have_url(re.compile(r"/w/acme/content/$"))
    expect(page.locator("#main-nav a.nav-link.active")).to_have_text("内容")
    page.locator("#content-nav a", has_text="发布规则").click()
    expect(page.locator("#no-rules")).to_be_visible()

    form = page.locator("#rule-new")
    expect(form.locator("[data-param=words]")).to_be_visible()
    expect(form.locator("[data-param=pattern]")).to_be_hidden()
    form.locator("#id_name").fill("竞品平台名")
    form.locator("#id_words").fill("微博 | 某平台 | pinyin\n发票")
    form.locator("button[type=submit]").click()
    expect(page.locator("#rule-list tr[data-kind=forbidden_words]")).to_contain_text("竞品平台名")

    box = page.locator("#lint-form textarea")
    box.fill("")
    box.press_sequentially("欢迎关注微*博，可开發票")
    preview = page.locator("#lint-preview")
    expect(preview.locator("mark")).to_have_count(2)
    expect(preview.locator("mark").first).to_contain_text("微*博")
    expect(preview.locator("mark").nth(1)).to_contain_text("發票")
    expect(page.locator("#lint-findings li").first).to_contain_text("改为“某平台”")
    expect(page.locator("#lint-summary")).to_contain_text("2 个错误")
    shot(page, "content-rules-lint.png")

    box.fill("欢迎关注我们的官方账号")
    expect(page.locator("#lint-summary")).to_contain_text("未发现问题")
