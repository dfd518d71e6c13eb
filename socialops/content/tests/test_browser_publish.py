"""The issue's browser test: write, see a rule's error in place, fix, submit, approve, publish.

An editor writes a post containing a forbidden word and sees the error in place; fixes it;
submits; a manager approves; it is scheduled, publishes to a sandbox account at its time, and its
metrics appear on the post's page. The live server runs in another thread, so the test does not
wait for the minute to pass: it makes the publication due now and runs one pass of the publishing
engine and of the metrics collection itself, as the worker would.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import log_in, shot
from socialops.channels.actions import connect_channel
from socialops.conftest import Team
from socialops.content.models import EditorialRule, Post
from socialops.core.clock import now
from socialops.publishing import engine, metrics
from socialops.publishing.models import MetricSnapshot, Publication

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.locator("#user-menu").click()
    page.locator("form[action='/logout/'] button[type=submit]").click()
    expect(page.locator("#user-menu")).to_have_count(0)


def test_it_writes_reviews_publishes_and_tracks_a_post(page: Page, team: Team) -> None:
    channel = connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 官方微博", "handle": "acme_official"},
        platform="weibo",
    )
    EditorialRule.objects.create(
        workspace=team.workspace,
        name="极限词",
        kind="forbidden_words",
        params={"words": [{"word": "最好", "replacement": "很好", "pinyin": False}]},
    )

    # carol, an editor, writes the post and sees the forbidden word marked as she types
    log_in(page, team.carol.email)
    page.goto("/w/acme/content/")
    page.locator("#posts-tab").click()
    expect(page.locator("#no-posts")).to_be_visible()
    page.locator("#new-post").click()
    expect(page).to_have_url(re.compile(r"/w/acme/content/posts/new/$"))
    page.locator("#id_title").fill("新品首发")
    page.locator(f"#channel-{channel.pk}").check()
    pane = page.locator(f"#variant-{channel.pk}")
    expect(pane).to_be_visible()

    page.locator("#id_body").press_sequentially("全网最好的新品，今天上市")
    mark = pane.locator(".variant-marked mark")
    expect(mark).to_have_count(1)
    expect(mark).to_contain_text("最好")
    expect(pane.locator(".variant-findings li").first).to_contain_text("很好")
    expect(pane.locator(f"#variant-{channel.pk}-text")).to_have_value("全网最好的新品，今天上市")
    expect(pane.locator("[data-preview=weibo]")).to_contain_text("全网最好的新品")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "content-composer-lint.png")

    # she fixes it: the mark goes away
    page.locator("#id_body").fill("全网很好的新品，今天上市")
    expect(pane.locator(".variant-marked mark")).to_have_count(0)
    expect(pane.locator(".variant-lint")).to_have_attribute("data-errors", "0")

    # a time a minute or two ahead, in the workspace's time zone (Asia/Shanghai)
    local = (now() + timedelta(minutes=2)).astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    page.locator("#id_scheduled_at").fill(local.strftime("%Y-%m-%dT%H:%M"))
    expect(page.locator("#zone-note")).to_contain_text("Asia/Shanghai")
    page.locator("#submit-post").click()

    expect(page).to_have_url(re.compile(r"/w/acme/content/posts/\d+/$"))
    expect(page.locator("#post-state [data-state]")).to_have_attribute("data-state", "in_review")
    post = Post.objects.get()
    assert post.scheduled_at == local.replace(second=0, microsecond=0)
    expect(page.locator("#approve-post")).to_have_count(0)  # an editor cannot approve
    log_out(page)

    # bob, a manager, approves: the post is scheduled for its time
    log_in(page, team.bob.email)
    page.goto(f"/w/acme/content/posts/{post.pk}/")
    expect(page.locator("#approval-stage")).to_have_attribute("data-stages", "1")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "content-post-review.png")
    page.locator("#approve-post").click()
    expect(page.locator("#post-state [data-state]")).to_have_attribute("data-state", "scheduled")
    expect(page.locator("#publications tr[data-state=scheduled]")).to_have_count(1)

    # its time comes: one pass of the publishing engine sends it to the sandbox account
    publication = Publication.objects.get(post=post)
    Publication.objects.filter(pk=publication.pk).update(due_at=now(), not_before=now())
    assert engine.run_once(worker="test")
    publication.refresh_from_db()
    assert publication.state == Publication.State.PUBLISHED and publication.url
    assert Post.objects.get(pk=post.pk).state == Post.State.PUBLISHED

    # six hours on, the simulated audience has read it: one collection pass fetches the numbers
    with time_machine.travel(now() + timedelta(hours=6), tick=False):
        assert metrics.collect_due() == 1
    snapshot: Any = MetricSnapshot.objects.get(publication=publication)

    page.reload()
    expect(page.locator("#post-state [data-state]")).to_have_attribute("data-state", "published")
    link = page.locator("#publications a.publication-link")
    expect(link).to_have_attribute("href", publication.url)
    shown = page.locator("#post-performance [data-metric=impressions]")
    expect(shown).to_have_text(str(snapshot.impressions))
    expect(page.locator("#timeline li[data-action='post.published']")).to_have_count(1)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "content-post-published.png")

    page.locator("#posts-tab").click()
    expect(page.locator(f"#post-list tr[data-post='{post.pk}']")).to_have_attribute(
        "data-state", "published"
    )
    shot(page, "content-posts.png")


def test_it_previews_the_post_as_each_platform_shows_it(page: Page, team: Team) -> None:
    accounts = {
        platform: connect_channel(
            access=team.access("alice"),
            connector="sandbox",
            fields={"display_name": f"Acme {platform}", "handle": f"acme_{platform}"},
            platform=platform,
        )
        for platform in ("weibo", "wechat", "mastodon", "bluesky", "x")
    }
    log_in(page, team.carol.email)
    page.goto("/w/acme/content/posts/new/")
    expect(page.locator("#article-form")).to_be_hidden()
    for account in accounts.values():
        page.locator(f"#channel-{account.pk}").check()
    expect(page.locator("#article-form")).to_be_visible()  # a WeChat account is chosen
    page.locator("#id_body").fill("新品上市 #新品# @Acme官方 https://example.com/new")
    page.locator("#id_article_title").fill("十周年新品发布")
    page.locator("#id_article_html").fill(
        '<p>你好<script>alert(1)</script></p><p style="color:#07c160">欢迎阅读</p>'
    )
    # a burst of refreshes, each replacing the last: give the final one time to land
    expect(page.locator("#variant-tabs [data-variant-tab]")).to_have_count(5, timeout=15_000)

    x = accounts["x"]
    page.locator(f"[data-variant-tab='{x.pk}']").click()
    expect(page.locator(f"#variant-{x.pk} [data-preview=x]")).to_be_visible()
    expect(page.locator(f"#variant-{x.pk} [data-preview=x] .so-preview-link")).to_have_text(
        "https://example.com/new", timeout=15_000
    )
    wechat = accounts["wechat"]
    page.locator(f"[data-variant-tab='{wechat.pk}']").click()
    article = page.locator(f"#variant-{wechat.pk} [data-preview=wechat]")
    expect(article).to_be_visible()
    expect(page.locator("#variants .tab-pane.active")).to_have_count(1)
    expect(article.locator(".so-preview-article-title")).to_have_text("十周年新品发布")
    expect(article.locator(".so-preview-article-body")).to_contain_text("欢迎阅读")
    expect(article.locator("script")).to_have_count(0)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "content-composer-wechat.png")

    # a variant edited by hand keeps its text when the master text changes, until it is reset
    weibo = accounts["weibo"]
    page.locator(f"[data-variant-tab='{weibo.pk}']").click()
    own = page.locator(f"#variant-{weibo.pk}-text")
    own.fill("微博专用：新品上市 #新品#")
    expect(page.locator(f"#variant-{weibo.pk} .variant-count")).to_have_attribute(
        "data-length", "13"
    )
    page.locator("#id_body").fill("新品今天上市")
    expect(page.locator(f"#variant-{weibo.pk} [data-origin=custom]")).to_be_visible()
    expect(own).to_have_value("微博专用：新品上市 #新品#")
    page.locator(f"#variant-{weibo.pk} .variant-reset").click()
    expect(page.locator(f"#variant-{weibo.pk}-text")).to_have_value("新品今天上市")
