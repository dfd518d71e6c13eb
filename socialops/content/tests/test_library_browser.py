"""The library in a real browser: an editor uploads an image, tags it, finds it by a Chinese
substring as she types."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import log_in, shot
from socialops.conftest import Team
from socialops.content.models import Asset

from .test_library import image_bytes, media_root  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser


def test_it_uploads_tags_and_finds_an_image_by_a_chinese_substring(page: Page, team: Team) -> None:
    log_in(page, team.carol.email)
    page.goto("/w/acme/content/")
    page.locator("#content-nav a[href$='/content/library/']").click()
    expect(page).to_have_url(re.compile(r"/w/acme/content/library/$"))
    expect(page.locator("#library-empty")).to_be_visible()

    form = page.locator("#asset-new")
    form.locator("#id_kind").select_option("link")
    expect(form.locator("#id_file")).to_be_hidden()
    expect(form.locator("#id_url")).to_be_visible()
    form.locator("#id_kind").select_option("image")
    expect(form.locator("#id_url")).to_be_hidden()
    form.locator("#id_file").set_input_files(
        {"name": "poster.png", "mimeType": "image/png", "buffer": image_bytes(size=(320, 240))}
    )
    form.locator("#id_title").fill("新品上市发布会主视觉")
    form.locator("#id_tags").fill("新品、海报")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/w/acme/content/library/\d+/$"))
    expect(page.locator("#asset-title")).to_have_text("新品上市发布会主视觉")
    expect(page.locator("#asset-tags")).to_contain_text("海报")
    expect(page.locator("#asset-preview img")).to_be_visible()
    expect(page.locator("#asset-fit tr[data-platform=weibo]")).to_have_attribute("data-fit", "ok")
    expect(page.locator("#no-usage")).to_be_visible()
    shot(page, "content-library-asset.png")
    asset = Asset.objects.get()
    assert (asset.width, asset.height) == (320, 240)

    page.locator("#asset-edit #id_tags").fill("新品、海报、春季")
    page.locator("#asset-edit button[type=submit]").click()
    expect(page.locator("#asset-tags")).to_contain_text("春季")

    page.locator("#content-nav a[href$='/content/library/']").click()
    search = page.locator("#id_q")
    search.press_sequentially("上市")
    grid = page.locator("#asset-grid")
    expect(grid.locator(f"[data-asset='{asset.pk}']")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?q=%E4%B8%8A%E5%B8%82"))
    search.fill("发布会主")
    expect(grid.locator(f"[data-asset='{asset.pk}']")).to_be_visible()
    search.fill("秋季")
    expect(page.locator("#no-results")).to_be_visible()
    search.fill("")
    page.locator("#id_tag").select_option("春季")
    expect(page.locator("#asset-grid img")).to_be_visible()
    shot(page, "content-library.png")
