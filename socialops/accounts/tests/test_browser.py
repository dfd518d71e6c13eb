"""The UI in a real browser: Debian Chromium driven by Playwright against a live server.

Screenshots go to test-artifacts/screenshots/ (ignored by git); set SCREENSHOT_DIR=docs/screenshots
to refresh the ones in the documentation.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from socialops.accounts import actions
from socialops.accounts.models import ApiToken, Invitation, Membership, User, Workspace
from socialops.accounts.roles import Role
from socialops.conftest import PASSWORD, Team

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
SHOTS = Path(
    os.environ.get("SCREENSHOT_DIR") or settings.BASE_DIR / "test-artifacts" / "screenshots"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself would otherwise be refused as "async unsafe".
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield chromium
            chromium.close()


def _context(browser: Browser, live_server: Any, **options: Any) -> BrowserContext:
    options.setdefault("viewport", DESKTOP)
    options.setdefault("locale", "zh-CN")  # the browser's own widgets (date pickers) too
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = _context(browser, live_server)
    yield context.new_page()
    context.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("form[action='/login/'] button[type=submit]").click()
    expect(page.locator("#user-menu")).to_be_visible()


def set_language(page: Page, code: str) -> None:
    page.locator("#language-menu").click()
    page.locator(f"button[data-language='{code}']").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if code == "zh-hans" else code)


def no_horizontal_overflow(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_it_logs_in_and_shows_the_dashboard_in_chinese(page: Page, team: Team) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.locator("h1")).to_have_text("登录")
    shot(page, "login.png")

    log_in(page, team.alice.email)

    expect(page).to_have_url(re.compile(r"/w/acme/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#getting-started")).to_contain_text("快速上手")
    expect(page.locator("#getting-started")).to_contain_text("5 位成员")
    expect(page.locator("#main-nav")).to_contain_text("平台")
    expect(page.locator("#main-nav")).to_contain_text("设置")
    expect(page.locator("#time-zone-note")).to_contain_text("Asia/Shanghai")
    shot(page, "dashboard-zh.png")


def test_it_shows_a_form_error_for_a_wrong_password(page: Page, team: Team) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(team.alice.email)
    page.locator("#id_password").fill("not the password")
    page.locator("form[action='/login/'] button[type=submit]").click()

    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page.locator("#user-menu")).to_have_count(0)


def test_it_switches_language_to_english_and_back(page: Page, team: Team) -> None:
    log_in(page, team.bob.email)
    page.goto("/w/acme/settings/members/")

    set_language(page, "en")

    expect(page).to_have_url(re.compile(r"/w/acme/settings/members/$"))
    expect(page.locator("h1")).to_have_text("Members")
    expect(page.locator("#main-nav")).to_contain_text("Settings")
    assert User.objects.get(pk=team.bob.pk).language == "en"
    shot(page, "members-en.png")

    set_language(page, "zh-hans")

    expect(page.locator("h1")).to_have_text("成员")
    assert User.objects.get(pk=team.bob.pk).language == "zh-hans"


def test_it_switches_workspace_with_the_switcher(page: Page, team: Team) -> None:
    actions.create_workspace(
        actor=team.alice, name="Beta 海外", slug="beta", time_zone="Europe/London"
    )
    log_in(page, team.alice.email)
    expect(page.locator("#workspace-switcher")).to_contain_text("Acme 示例品牌")

    page.locator("#workspace-switcher").click()
    page.locator("a[data-workspace='beta']").click()

    expect(page).to_have_url(re.compile(r"/w/beta/$"))
    expect(page.locator("h1")).to_have_text("Beta 海外")
    expect(page.locator("#workspace-switcher")).to_contain_text("Beta 海外")
    expect(page.locator("#time-zone-note")).to_contain_text("Europe/London")
    page.locator("#workspace-switcher").click()
    expect(page.locator("a[data-workspace='beta']")).to_have_attribute("aria-current", "true")
    assert User.objects.get(pk=team.alice.pk).last_workspace == Workspace.objects.get(slug="beta")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/w/beta/$"))


def test_it_invites_a_member_with_a_role_and_the_link_signs_them_up(
    browser: Browser, live_server: Any, page: Page, team: Team
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, team.bob.email)
    page.goto("/w/acme/settings/members/")

    page.locator("#id_email").fill("Grace@Example.com")
    page.locator("#invite select[name=role]").select_option("analyst")
    page.locator("#invite button[type=submit]").click()

    link = page.locator("#new-invitation-link").input_value()
    assert re.fullmatch(re.escape(live_server.url) + r"/invite/[\w-]{40,}/", link), link
    expect(page.locator("#pending-invitations")).to_contain_text("grace@example.com")
    expect(page.locator("#pending-invitations")).to_contain_text("分析师")
    page.locator("#new-invitation button[data-copy-target]").click()
    expect(page.locator("#new-invitation button[data-copy-target]")).to_contain_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == link
    shot(page, "members-invited.png")

    page.goto("/w/acme/settings/members/")
    expect(page.locator("#new-invitation")).to_have_count(0)

    guest = _context(browser, live_server)
    newcomer = guest.new_page()
    newcomer.goto(link)
    expect(newcomer.locator("h1")).to_contain_text("Acme 示例品牌")
    expect(newcomer.locator("main")).to_contain_text("分析师")
    newcomer.locator("#id_name").fill("Grace")
    newcomer.locator("#id_password1").fill(PASSWORD)
    newcomer.locator("#id_password2").fill(PASSWORD)
    newcomer.locator("main button[type=submit]").click()

    expect(newcomer).to_have_url(re.compile(r"/w/acme/$"))
    expect(newcomer.locator(".alert-success")).to_contain_text("Acme 示例品牌")
    guest.close()
    grace = Membership.objects.get(workspace=team.workspace, user__email="grace@example.com")
    assert grace.role == Role.ANALYST
    assert Invitation.objects.get(email="grace@example.com").accepted_by == grace.user


def test_it_creates_an_api_token_and_shows_it_once(page: Page, team: Team) -> None:
    log_in(page, team.carol.email)
    page.goto("/w/acme/settings/tokens/")
    expect(page.locator("main")).to_contain_text("还没有令牌")

    page.locator("#id_name").fill("报表脚本")
    page.locator("main form button[type=submit]").click()

    raw = page.locator("#new-token-value").input_value()
    assert raw.startswith("so_")
    expect(page.locator("#curl-example")).to_contain_text(f"Bearer {raw}")
    expect(page.locator("#curl-example")).to_contain_text("/api/v1/me")
    shot(page, "tokens.png")
    response = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status == 200, response.text()

    page.goto("/w/acme/settings/tokens/")
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.locator("#token-table")).to_contain_text("报表脚本")
    expect(page.locator("#token-table")).to_contain_text(raw[:10])
    assert raw not in page.content()

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr[data-token='报表脚本'] button[type=submit]").first.click()
    expect(page.locator(".alert-success")).to_contain_text("报表脚本")
    assert not ApiToken.objects.filter(user=team.carol, revoked_at__isnull=True).exists()
    response = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status == 401


def test_it_hides_settings_a_role_may_not_use(page: Page, team: Team) -> None:
    log_in(page, team.dave.email)
    page.locator("#settings-menu").click()
    menu = page.locator("#settings-menu + .dropdown-menu")

    expect(menu).to_contain_text("成员")
    expect(menu).to_contain_text("API 令牌")
    expect(menu).not_to_contain_text("邀请")
    expect(menu).not_to_contain_text("审计日志")
    page.goto("/w/acme/settings/members/")
    expect(page.locator("#invite")).to_have_count(0)
    expect(page.locator("#member-table select")).to_have_count(0)


def test_it_shows_the_audit_log_with_before_and_after(page: Page, team: Team) -> None:
    actions.update_workspace(access=team.access("alice"), time_zone="Asia/Tokyo")
    log_in(page, team.erin.email)
    page.goto("/w/acme/settings/audit/")

    row = page.locator("#audit-table tbody tr", has_text="工作区设置已更改")
    expect(row).to_contain_text("Asia/Shanghai")
    expect(row).to_contain_text("Asia/Tokyo")
    expect(page.locator("#time-zone-note")).to_contain_text("Asia/Tokyo")
    page.locator("#audit-filter select[name=action]").select_option("workspace.updated")
    page.locator("#audit-filter button[type=submit]").click()
    expect(page.locator("#audit-table tbody tr")).to_have_count(1)
    shot(page, "audit-zh.png")


def test_it_fits_a_phone_screen(browser: Browser, live_server: Any, team: Team) -> None:
    context = _context(
        browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    phone = context.new_page()
    phone.goto("/login/")
    assert no_horizontal_overflow(phone)
    log_in_phone(phone, team.alice.email)

    expect(phone.locator(".navbar-toggler")).to_be_visible()
    expect(phone.locator("#main-nav")).to_be_hidden()
    assert no_horizontal_overflow(phone)
    shot(phone, "dashboard-phone.png")

    phone.locator(".navbar-toggler").click()
    expect(phone.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))  # opened fully
    expect(phone.locator("#main-nav")).to_contain_text("互动")
    assert no_horizontal_overflow(phone)
    phone.screenshot(path=str(SHOTS / "menu-phone.png"))

    actions.invite_member(access=team.access("alice"), email="h@example.com", role=Role.AGENT)
    actions.create_api_token(access=team.access("alice"), name="phone check")
    for path in ["members", "invitations", "tokens", "roles", "audit"]:
        phone.goto(f"/w/acme/settings/{path}/")
        expect(phone.locator("h1")).to_be_visible()
        assert no_horizontal_overflow(phone), path
        if path == "members":
            shot(phone, "members-phone.png")
    for section in ["platform", "content", "interaction", "analytics"]:
        phone.goto(f"/w/acme/{section}/")
        assert no_horizontal_overflow(phone), section
    context.close()


def log_in_phone(page: Page, email: str) -> None:
    """On a phone the user menu sits in the collapsed navbar, so wait for the page instead."""
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form[action='/login/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/w/acme/$"))
