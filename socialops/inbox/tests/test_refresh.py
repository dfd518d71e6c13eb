"""The refresh button and POST /inbox/sync: a worker fetches every account's new messages now."""

from __future__ import annotations

import pytest

from socialops.inbox.models import Message

from .factories import audience_writes, sandbox_channel


@pytest.fixture
def worker_runs_at_once(monkeypatch):
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(HUEY, "immediate", True)


def test_it_fetches_new_messages_through_the_api(team, worker_runs_at_once):
    channel = sandbox_channel(team)
    audience_writes(channel, "请问几点开门？")

    response = team.api("dave").post("/inbox/sync")

    assert response.status_code == 202
    assert response.json() == {"accounts": 1}
    assert Message.objects.get(channel=channel).text == "请问几点开门？"


def test_it_refuses_a_member_who_may_not_reply(team):
    response = team.api("erin").post("/inbox/sync")

    assert response.status_code == 403
    assert not Message.objects.exists()


def test_it_fetches_new_messages_from_the_button(team, worker_runs_at_once):
    channel = sandbox_channel(team)
    audience_writes(channel, "新品有优惠吗")
    client = team.browser("dave")

    page = client.get("/w/acme/interaction/")
    response = client.post("/w/acme/interaction/sync/", {"qs": "kind=dm"})

    assert 'id="inbox-sync"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/w/acme/interaction/?kind=dm"
    assert Message.objects.get(channel=channel).text == "新品有优惠吗"
