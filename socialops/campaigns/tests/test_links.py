"""Tracked short links: the public redirect, counting people and not bots, UTM, the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from socialops.campaigns import actions, links
from socialops.campaigns.models import LinkClick, ShortLink
from socialops.channels.actions import connect_channel
from socialops.conftest import error_of, logged_after
from socialops.content import actions as content
from socialops.core.models import AuditEvent

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)
CUBOT = (
    "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)
BOTS = [
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "TelegramBot (like TwitterBot)",
    "http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)",
    "",
]


@pytest.fixture
def link(team: Any) -> ShortLink:
    return actions.create_link(
        access=team.access("carol"),
        target_url="https://shop.example.com/p?id=5&utm_source=old",
        utm={"utm_source": "weibo", "utm_medium": "social", "utm_campaign": "双十一"},
    )


def follow(code: str, agent: str = CHROME, method: str = "get", **headers: str) -> Any:
    client = Client(headers={"User-Agent": agent, **headers})
    return getattr(client, method)(f"/l/{code}")


def test_it_redirects_with_the_utm_parameters_merged_into_the_query(team, link):
    response = follow(link.code)

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "shop.example.com", "/p")
    assert parse_qsl(target.query) == [
        ("id", "5"),
        ("utm_source", "weibo"),
        ("utm_medium", "social"),
        ("utm_campaign", "双十一"),
    ]
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_it_counts_a_person_with_the_browser_and_referrer_but_no_address(team, link):
    follow(link.code, WECHAT, Referer="https://weibo.com/u/123/status/9")

    link.refresh_from_db()
    assert (link.clicks, link.bot_clicks) == (1, 0)
    click = LinkClick.objects.get()
    assert (click.is_bot, click.agent_family, click.referrer_host) == (False, "WeChat", "weibo.com")
    assert click.visitor and "127.0.0.1" not in click.visitor
    assert {f.name for f in LinkClick._meta.get_fields()} == {
        "id",
        "link",
        "at",
        "is_bot",
        "referrer_host",
        "agent_family",
        "visitor",
    }


@pytest.mark.parametrize("agent", BOTS)
def test_it_counts_crawlers_and_link_previews_as_bots(team, link, agent):
    response = follow(link.code, agent)

    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.clicks, link.bot_clicks) == (0, 1)
    assert LinkClick.objects.get().is_bot


@pytest.mark.parametrize(
    "headers", [{"Purpose": "prefetch"}, {"Sec-Purpose": "prefetch;prerender"}]
)
def test_it_counts_prefetches_as_bots(team, link, headers):
    follow(link.code, CHROME, **headers)

    link.refresh_from_db()
    assert (link.clicks, link.bot_clicks) == (0, 1)


def test_it_answers_head_without_counting(team, link):
    response = follow(link.code, method="head")

    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.clicks, link.bot_clicks) == (0, 0)
    assert not LinkClick.objects.exists()


def test_it_answers_an_unknown_code_with_the_404_page(team, link):
    response = follow("nope123")

    assert response.status_code == 404
    assert b"<html" in response.content.lower()
    assert follow(link.code, method="post").status_code == 405


@pytest.mark.parametrize(("agent", "family"), [(CHROME, None), (WECHAT, None), (CUBOT, None)])
def test_it_does_not_take_people_for_bots(agent, family):
    assert links.bot_family(agent) is family


def test_it_makes_codes_of_seven_base62_characters(team, link):
    assert len(link.code) == 7 and set(link.code) <= set(links.CODE_ALPHABET)
    event = AuditEvent.objects.get(action="link.created")
    assert event.actor == team.carol and logged_after(event)["code"] == link.code


def test_it_refuses_targets_that_are_not_web_links(team):
    for target in ["javascript:alert(1)", "ftp://example.com/x", "shop.example.com"]:
        with pytest.raises(ValidationError) as raised:
            actions.create_link(access=team.access("carol"), target_url=target)
        assert "target_url" in raised.value.message_dict
    assert not ShortLink.objects.exists()


# ---- a post's links ----------------------------------------------------------------------


def test_it_replaces_a_posts_link_with_a_tracked_link_per_account(team):
    weibo = connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "微博号", "handle": "acme_wb"},
        platform="weibo",
    )
    manual = connect_channel(
        access=team.access("alice"),
        connector="manual",
        fields={"platform": "xiaohongshu", "handle": "acme_xhs"},
        platform="xiaohongshu",
    )
    target = "https://shop.example.com/new"
    post = content.create_post(
        access=team.access("carol"),
        channel_ids=[weibo.pk, manual.pk],
        body=f"新品上市 {target}",
        link=target,
    )

    made = actions.shorten_for_post(access=team.access("carol"), post=post, campaign="spring")
    again = actions.shorten_for_post(access=team.access("carol"), post=post, campaign="spring")

    assert {k: v.pk for k, v in made.items()} == {k: v.pk for k, v in again.items()}
    assert ShortLink.objects.count() == 2
    for variant in post.variants.select_related("channel"):
        found = made[variant.channel_id]
        assert found.utm_source == variant.channel.platform
        assert (found.utm_medium, found.utm_campaign) == ("social", "spring")
        assert found.utm_content == f"post-{post.pk}" and found.post_id == post.pk
        assert variant.text == f"新品上市 {links.short_url(found.code)}"
        assert target not in variant.text


def test_it_needs_a_link_to_shorten(team):
    post = content.create_post(access=team.access("carol"), body="没有链接")
    with pytest.raises(ValidationError):
        actions.shorten_for_post(access=team.access("carol"), post=post)


# ---- API ---------------------------------------------------------------------------------


def test_it_creates_and_lists_links_through_the_api(team):
    api = team.api("carol")

    created = api.post("/links", {"target_url": "https://example.com/a?x=1", "utm_source": "x"})
    listed = api.get("/links")

    assert created.status_code == 201
    body = created.json()
    assert body["short_url"].endswith(f"/l/{body['code']}")
    assert body["redirect_url"] == "https://example.com/a?x=1&utm_source=x"
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    assert api.get("/links", {"post_id": 999}).json()["results"] == []
    refused = api.post("/links", {"target_url": "mailto:a@example.com"})
    assert refused.status_code == 422 and "target_url" in error_of(refused)["fields"]
    assert team.api("erin").post("/links", {"target_url": "https://a.example"}).status_code == 403


def test_it_gives_a_links_clicks_per_day_in_the_workspaces_time_zone(team, link):
    # 23:30 and 00:30 in Shanghai are two days, though the same UTC day.
    with time_machine.travel(datetime(2026, 3, 3, 15, 30, tzinfo=UTC), tick=False) as clock:
        follow(link.code)
        follow(link.code, "Twitterbot/1.0")
        clock.move_to(datetime(2026, 3, 3, 16, 30, tzinfo=UTC))
        follow(link.code)
        follow(link.code)

    response = team.api("erin").get(f"/links/{link.pk}")

    assert response.status_code == 200
    assert response.json()["clicks"] == 3 and response.json()["bot_clicks"] == 1
    assert response.json()["by_day"] == [
        {"day": "2026-03-03", "clicks": 1, "bot_clicks": 1, "visitors": 1},
        {"day": "2026-03-04", "clicks": 2, "bot_clicks": 0, "visitors": 1},
    ]
    assert team.api("charlie").get(f"/links/{link.pk}").status_code == 404


def test_it_shortens_a_posts_link_through_the_api(team):
    channel = connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "微博号", "handle": "acme_api"},
        platform="weibo",
    )
    post = content.create_post(
        access=team.access("carol"),
        channel_ids=[channel.pk],
        body="看看 https://example.com/x",
        link="https://example.com/x",
    )

    response = team.api("carol").post(f"/posts/{post.pk}/links/shorten", {"campaign": "launch"})

    assert response.status_code == 200
    (row,) = response.json()
    assert row["channel_id"] == channel.pk and row["link"]["utm_campaign"] == "launch"
    assert row["link"]["code"] in post.variants.get().text
    assert team.api("charlie").post(f"/posts/{post.pk}/links/shorten", {}).status_code == 404


# ---- pages -------------------------------------------------------------------------------


def test_it_lists_and_creates_links_on_the_links_page(team, link):
    from django.urls import reverse

    browser = team.browser("carol")

    page = browser.get(reverse("links", args=["acme"])).content.decode()
    created = browser.post(
        reverse("link_new", args=["acme"]),
        {"target_url": "https://example.com/b", "utm_campaign": "spring"},
    )
    refused = browser.post(reverse("link_new", args=["acme"]), {"target_url": "javascript:x"})

    assert links.short_url(link.code) in page and 'data-link="' in page
    assert created.status_code == 302
    assert ShortLink.objects.filter(utm_campaign="spring").exists()
    assert refused.status_code == 422 and ShortLink.objects.count() == 2


def test_it_tracks_a_posts_link_from_the_post_page(team):
    from django.urls import reverse

    channel = connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "微博号", "handle": "acme_page"},
        platform="weibo",
    )
    post = content.create_post(
        access=team.access("carol"),
        channel_ids=[channel.pk],
        body="看看",
        link="https://example.com/p",
    )
    browser = team.browser("carol")
    page = browser.get(reverse("content_post", args=["acme", post.pk])).content.decode()
    assert 'id="track-link"' in page

    response = browser.post(
        reverse("post_links_shorten", args=["acme", post.pk]), {"campaign": "launch"}
    )

    assert response.status_code == 302
    link = ShortLink.objects.get(post=post)
    assert link.utm_campaign == "launch" and link.code in post.variants.get().text
