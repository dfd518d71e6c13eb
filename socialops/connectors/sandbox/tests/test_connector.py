"""Every capability of the interface, used through the sandbox connector."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from time_machine import Traveller

from socialops.connectors import registry
from socialops.connectors.base import (
    Article,
    AuthKind,
    Capability,
    ConnectorError,
    InboxItem,
    Media,
    PublishRequest,
    RemoteRef,
)
from socialops.connectors.sandbox.connector import SandboxConnector
from socialops.connectors.sandbox.models import Account, Message, Post, World

from .helpers import START, account_of, connect, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock() -> Iterator[Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_it_is_registered_as_a_simulation_with_every_capability() -> None:
    cls = registry.get("sandbox")

    assert cls is SandboxConnector
    assert cls.simulated is True
    assert cls.auth_kind == AuthKind.NONE
    assert cls.text_rules == "weibo"
    assert cls.capabilities == frozenset(Capability) - {Capability.MANUAL_PUBLISH}


def test_it_connects_a_new_account_whose_facade_has_gaps_to_fix(clock: Traveller) -> None:
    connector = connect(make_world(), handle="acme_cn", followers=120)

    profile = connector.fetch_profile()
    assert (profile.handle, profile.display_name, profile.followers) == ("acme_cn", "示例品牌", 120)
    assert (profile.avatar_url, profile.banner_url, profile.bio) == ("", "", "")
    assert profile.verified is False and dict(profile.contacts) == {}

    fixed = connector.update_profile(
        {
            "bio": "示例品牌官方微博，客服时间 9:00-21:00",
            "avatar_url": "https://img.example.com/a.png",
            "banner_url": "https://img.example.com/b.png",
            "contact_email": "hi@example.com",
            "verification": "企业认证",
        }
    )
    assert fixed.verified and fixed.verification_label == "企业认证"
    assert dict(fixed.contacts) == {"email": "hi@example.com"}
    assert connector.fetch_profile() == fixed
    with pytest.raises(ConnectorError) as error:
        connector.update_profile({"shoe_size": "42"})
    assert error.value.permanent and error.value.code == "bad_input"


def test_it_connects_into_the_workspace_world(team) -> None:
    with time_machine.travel(START, tick=False):
        connector = SandboxConnector(credentials={}, config={"workspace_id": team.workspace.pk})
        creds = connector.connect({"handle": "acme", "display_name": "Acme"})
    persona = Account.objects.filter(world_id=creds["world"], kind="persona").first()
    assert persona is not None

    assert World.objects.get(pk=creds["world"]).workspace == team.workspace
    with pytest.raises(ConnectorError) as taken:
        SandboxConnector(credentials={}, config={"world": creds["world"]}).connect(
            {"handle": persona.handle}
        )
    assert taken.value.code == "handle_taken"


def test_it_publishes_text_images_links_and_articles(clock: Traveller) -> None:
    connector = connect(make_world())
    text = connector.publish(PublishRequest(text="你好 #示例品牌#"), idempotency_key="a")
    image = connector.publish(
        PublishRequest(text="看图", media=[Media("image", "media/1.png", "image/png", "一张图")]),
        idempotency_key="b",
    )
    link = connector.publish(
        PublishRequest(text="详情见", link="https://example.com/x", first_comment="链接在这里"),
        idempotency_key="c",
    )
    article = connector.publish(
        PublishRequest(text="", article=Article(title="长文", html="<p>正文</p>")),
        idempotency_key="d",
    )

    assert text.url.endswith(f"/demo_brand/{text.remote_id}")
    assert text.published_at == START
    assert Post.objects.get(number=int(image.remote_id)).media[0]["alt"] == "一张图"
    assert Post.objects.get(number=int(link.remote_id)).link == "https://example.com/x"
    assert Message.objects.get(post__number=int(link.remote_id)).text == "链接在这里"
    assert (Post.objects.get(number=int(article.remote_id)).article or {})["title"] == "长文"
    assert len({text.remote_id, image.remote_id, link.remote_id, article.remote_id}) == 4


def test_it_returns_the_same_post_for_the_same_idempotency_key(clock: Traveller) -> None:
    connector = connect(make_world())
    first = connector.publish(PublishRequest(text="只发一次"), idempotency_key="once")
    clock.shift(timedelta(minutes=3))
    again = connector.publish(PublishRequest(text="只发一次"), idempotency_key="once")

    assert again == first
    assert Post.objects.filter(author=account_of(connector), text="只发一次").count() == 1


def test_it_rejects_text_over_the_long_text_limit_and_empty_posts(clock: Traveller) -> None:
    connector = connect(make_world())
    with pytest.raises(ConnectorError) as too_long:
        connector.publish(PublishRequest(text="长" * 2001), idempotency_key="x")
    with pytest.raises(ConnectorError) as empty:
        connector.publish(PublishRequest(text="  "), idempotency_key="y")
    connector.publish(PublishRequest(text="a" * 4000), idempotency_key="z")  # ASCII counts ½

    assert too_long.value.permanent and too_long.value.code == "text_too_long"
    assert empty.value.permanent and empty.value.code == "empty"


def test_it_deletes_finds_and_measures_posts(clock: Traveller) -> None:
    connector = connect(make_world())
    ref = connector.publish(PublishRequest(text="新品上市"), idempotency_key="k")
    clock.shift(timedelta(hours=6))
    early = connector.fetch_metrics([ref])[0]
    clock.shift(timedelta(hours=6))
    later = connector.fetch_metrics([ref, RemoteRef("999999")])

    assert len(later) == 1 and later[0].remote_id == ref.remote_id
    assert 0 < (early.impressions or 0) < (later[0].impressions or 0)
    assert (later[0].likes or 0) >= (early.likes or 0) > 0
    assert connector.find_published(idempotency_key="k", since=START) == ref
    assert connector.find_published(idempotency_key="other", since=START) is None
    connector.delete(ref)
    connector.delete(ref)  # deleting twice is fine
    assert connector.fetch_metrics([ref])[0].extra["deleted"] is True
    with pytest.raises(ConnectorError) as missing:
        connector.delete(RemoteRef("1"))  # a persona's account number, not our post
    assert missing.value.code == "not_found"


def test_it_pages_the_inbox_oldest_first_without_repeats(clock: Traveller) -> None:
    connector = connect(make_world(), followers=20000)
    connector.publish(PublishRequest(text="关于涨价的说明"), idempotency_key="k")
    clock.shift(timedelta(hours=30))
    seen: list[str] = []
    cursor = None
    while True:
        page = connector.fetch_inbox(cursor)
        assert connector.fetch_inbox(cursor) == page  # safe to call twice
        seen += [item.remote_id for item in page.items]
        times = [item.created_at for item in page.items]
        assert times == sorted(times)
        cursor = page.cursor
        if not page.has_more:
            break
    assert len(seen) > 100 and len(seen) == len(set(seen))
    assert {"comment", "mention", "dm"} <= {
        m.kind for m in Message.objects.filter(number__in=[int(s) for s in seen])
    }
    assert connector.fetch_inbox(cursor).items == []
    connector.publish(PublishRequest(text="新品首发"), idempotency_key="k2")
    clock.shift(timedelta(hours=2))
    fresh = connector.fetch_inbox(cursor).items
    assert fresh and not {item.remote_id for item in fresh} & set(seen)


def _drain(connector: SandboxConnector, cursor: str | None) -> list[InboxItem]:
    items: list[InboxItem] = []
    while True:
        page = connector.fetch_inbox(cursor)
        items += page.items
        cursor = page.cursor
        if not page.has_more:
            return items


def test_it_puts_replies_in_the_thread_and_personas_answer_back(clock: Traveller) -> None:
    connector = connect(make_world(), followers=20000)
    connector.publish(PublishRequest(text="关于涨价的说明"), idempotency_key="k")
    clock.shift(timedelta(hours=12))
    page = connector.fetch_inbox(None)
    complaints = [i for i in page.items if i.kind == "comment" and i.raw["intent"] == "complaint"]
    refs = [
        connector.reply(item, "抱歉给您带来不便，已私信您处理", idempotency_key=f"r{n}")
        for n, item in enumerate(complaints[:5])
    ]
    again = connector.reply(complaints[0], "抱歉给您带来不便，已私信您处理", idempotency_key="r0")
    clock.shift(timedelta(hours=2))
    later = _drain(connector, page.cursor)

    assert again == refs[0]
    assert refs[0].extra["thread_id"] == complaints[0].thread_id
    answer = Message.objects.get(number=int(refs[0].remote_id))
    assert answer.parent is not None
    assert answer.parent.number == int(complaints[0].remote_id)
    follow_ups = [item for item in later if item.parent_id in {r.remote_id for r in refs}]
    assert follow_ups
    assert all(item.created_at > START + timedelta(hours=12) for item in follow_ups)


def test_it_follows_accounts(clock: Traveller) -> None:
    world = make_world()
    connector = connect(world)
    target = world.accounts.filter(kind="persona").first()
    assert target is not None
    connector.follow(target.handle)
    connector.follow(target.handle)

    assert connector.fetch_profile().following == 1
    with pytest.raises(ConnectorError):
        connector.follow("nobody_here")


def test_it_searches_and_streams_public_posts(clock: Traveller) -> None:
    connector = connect(make_world())
    clock.shift(timedelta(days=2))
    brand = connector.search("示例品牌")
    recent = connector.search("示例品牌", since=START + timedelta(days=1))
    streamed = list(connector.stream())
    resumed = list(connector.stream(streamed[99][1]))

    assert brand and all("示例品牌" in post.text for post in brand)
    assert 0 < len(recent) < len(brand)
    assert {p.lang for p in (post for post, _ in streamed)} == {"zh", "en"}
    assert [post.remote_id for post, _ in resumed] == [p.remote_id for p, _ in streamed[100:]]
    assert connector.search("竞品甲 示例品牌") or connector.search("竞品甲")
    with pytest.raises(ConnectorError) as bad:
        connector.stream("not-a-cursor")
    assert bad.value.code == "bad_cursor"
