"""Injected failures: auth expiry, rate limits, permanent errors, timeouts with unknown outcome."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from time_machine import Traveller

from socialops.connectors.base import (
    AuthExpired,
    ConnectorError,
    OutcomeUnknown,
    PublishRequest,
    RateLimited,
)
from socialops.connectors.sandbox.connector import SandboxConnector
from socialops.connectors.sandbox.models import Post
from socialops.connectors.sandbox.network import set_faults

from .helpers import START, account_of, connect, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock() -> Iterator[Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_it_publishes_when_nothing_is_wrong(clock: Traveller) -> None:
    connector = connect(make_world())

    ref = connector.publish(PublishRequest(text="一切正常"), idempotency_key="ok")

    assert Post.objects.get(number=int(ref.remote_id)).text == "一切正常"


def test_it_raises_auth_expired_until_the_account_reconnects(clock: Traveller) -> None:
    world = make_world()
    connector = connect(world)
    set_faults(account_of(connector), auth_expired=True)

    for call in (
        lambda: connector.publish(PublishRequest(text="x"), idempotency_key="k"),
        connector.fetch_profile,
        lambda: connector.fetch_inbox(None),
    ):
        with pytest.raises(AuthExpired) as error:
            call()
        assert error.value.permanent and error.value.code == "auth_expired"
    assert not Post.objects.filter(author=account_of(connector)).exists()

    renewed = connect(world)  # the same handle: a fresh token, the fault cleared
    assert renewed.fetch_profile().handle == "demo_brand"
    with pytest.raises(AuthExpired):
        connector.fetch_profile()  # the old token is gone


def test_it_rejects_credentials_it_never_gave_out() -> None:
    with pytest.raises(AuthExpired):
        SandboxConnector(credentials={"world": 1, "account_id": 1, "token": "x"}).fetch_profile()


def test_it_rate_limits_with_retry_after(clock: Traveller) -> None:
    connector = connect(make_world())
    set_faults(account_of(connector), rate_limited=42)

    with pytest.raises(RateLimited) as error:
        connector.publish(PublishRequest(text="x"), idempotency_key="k")
    assert error.value.retry_after == 42 and not error.value.permanent

    set_faults(account_of(connector))
    for n in range(30):
        clock.shift(timedelta(seconds=60))
        connector.publish(PublishRequest(text=f"第{n}条"), idempotency_key=f"k{n}")
    with pytest.raises(RateLimited) as natural:
        connector.publish(PublishRequest(text="太多了"), idempotency_key="k30")
    assert 0 < (natural.value.retry_after or 0) <= 3600


def test_it_raises_permanent_errors_for_writes_only(clock: Traveller) -> None:
    connector = connect(make_world())
    set_faults(account_of(connector), permanent="内容违规")

    with pytest.raises(ConnectorError) as error:
        connector.publish(PublishRequest(text="x"), idempotency_key="k")
    assert error.value.permanent and str(error.value) == "内容违规"
    assert error.value.platform_code == "20019"
    assert connector.fetch_profile().handle == "demo_brand"


def test_it_times_out_after_publishing_and_reconciles(clock: Traveller) -> None:
    connector = connect(make_world())
    set_faults(account_of(connector), timeout=True)

    with pytest.raises(OutcomeUnknown) as error:
        connector.publish(PublishRequest(text="到底发出去没有"), idempotency_key="unsure")
    assert not error.value.permanent

    clock.shift(timedelta(minutes=5))
    found = connector.find_published(idempotency_key="unsure", since=START - timedelta(hours=1))
    assert found is not None
    assert Post.objects.get(number=int(found.remote_id)).text == "到底发出去没有"
    retried = connector.publish(PublishRequest(text="到底发出去没有"), idempotency_key="unsure")
    assert retried == found
    assert Post.objects.filter(author=account_of(connector)).count() == 1
    assert connector.find_published(idempotency_key="never", since=START) is None
