"""A post whose outcome is unknown is looked for among the account's recent posts."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from socialops.connectors.base import ConnectorError, OutcomeUnknown, PublishRequest
from socialops.connectors.weibo import parse

from .conftest import API, NOW, fixture, make

SHARE = f"{API}statuses/share.json"
TIMELINE = f"{API}statuses/user_timeline.json"
REQUEST = PublishRequest(text="新品发布会今晚八点见！")


def test_it_finds_a_timed_out_post_whose_link_weibo_shortened(weibo) -> None:
    weibo.post(SHARE).mock(side_effect=httpx.ReadTimeout("no answer"))
    timeline = weibo.get(TIMELINE).respond(200, json=fixture("statuses_user_timeline"))
    connector = make()

    with pytest.raises(OutcomeUnknown):
        connector.publish(REQUEST, idempotency_key="pub-7")
    ref = connector.find_published(idempotency_key="pub-7", since=NOW - timedelta(seconds=40))

    assert ref is not None
    assert ref.remote_id == "5046781234567890"
    assert ref.extra["idempotency_key"] == "pub-7"
    assert timeline.calls.last.request.url.params["uid"] == "1726834811"


def test_it_reports_nothing_when_the_timed_out_post_is_not_there(weibo) -> None:
    weibo.post(SHARE).mock(side_effect=httpx.ReadTimeout("no answer"))
    weibo.get(TIMELINE).respond(200, json=fixture("statuses_user_timeline_without_it"))
    connector = make()

    with pytest.raises(OutcomeUnknown):
        connector.publish(REQUEST, idempotency_key="pub-7")

    assert connector.find_published(idempotency_key="pub-7", since=NOW) is None


def test_it_ignores_the_same_text_posted_before_the_attempt(weibo) -> None:
    weibo.get(TIMELINE).respond(200, json=fixture("statuses_user_timeline"))
    text = make().share_text(REQUEST)
    connector = make(sent_text_sha256={"pub-7": parse.fingerprint(text)})

    assert connector.find_published(idempotency_key="pub-7", since=NOW + timedelta(hours=1)) is None


def test_it_reconciles_in_a_new_process_from_the_callers_fingerprint(weibo) -> None:
    weibo.get(TIMELINE).respond(200, json=fixture("statuses_user_timeline"))
    text = make().share_text(REQUEST)
    connector = make(sent_text_sha256={"pub-7": parse.fingerprint(text)})

    ref = connector.find_published(idempotency_key="pub-7", since=NOW - timedelta(minutes=1))

    assert ref is not None and ref.remote_id == "5046781234567890"


def test_it_refuses_to_guess_when_the_sent_text_is_unknown(weibo) -> None:
    with pytest.raises(ConnectorError) as raised:
        make().find_published(idempotency_key="never-seen", since=NOW)

    assert (raised.value.permanent, raised.value.code) == (True, "reconcile_impossible")


def test_it_fingerprints_text_the_same_whatever_the_link_became() -> None:
    sent = "新品发布会今晚八点见！ https://www.example.com/launch"
    shown = "新品发布会今晚八点见！ http://t.cn/A6x1b2cD"

    assert parse.fingerprint(sent) == parse.fingerprint(shown)
    assert parse.fingerprint(sent) != parse.fingerprint("别的内容 http://t.cn/A6x1b2cD")


def test_it_reconciles_in_a_new_process_from_the_request_that_was_sent(weibo) -> None:
    weibo.get(TIMELINE).respond(200, json=fixture("statuses_user_timeline"))

    ref = make().find_published(
        idempotency_key="pub-7", since=NOW - timedelta(minutes=1), request=REQUEST
    )

    assert ref is not None and ref.remote_id == "5046781234567890"
