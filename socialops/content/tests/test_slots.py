"""Posting slots and queues: slot instants, the next free slot, queue_post, pages and API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from socialops.accounts.queries import AccessDenied
from socialops.channels.models import Channel
from socialops.conftest import Team, audit_count, error_of, logged_after
from socialops.content import actions, queues
from socialops.content.models import PostingSlot
from socialops.core.models import AuditEvent
from socialops.publishing.models import Publication

from .test_calendar_views import approved, connect

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)  # Thursday 12:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def channel(team: Team) -> Channel:
    return connect(team)


def slot(team: Team, channel: Channel, weekday: int, at: str) -> PostingSlot:
    return actions.add_slot(
        access=team.access("bob"), channel=channel, weekday=weekday, at=time.fromisoformat(at)
    )


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read the English source of the actions' messages."""
    with translation.override("en"):
        yield


def test_it_lists_slot_instants_in_order_across_the_week_wrap():
    weekly = [(0, time(9)), (3, time(20)), (3, time(8))]  # Mon 09:00, Thu 08:00 and 20:00

    found = list(queues.slot_instants(weekly, SHANGHAI, after=NOW, weeks=1))

    # Thursday 08:00 has passed; then Thursday 20:00, next Monday, next Thursday twice
    assert [f.astimezone(SHANGHAI).strftime("%a %m-%d %H:%M") for f in found] == [
        "Thu 11-26 20:00",
        "Mon 11-30 09:00",
        "Thu 12-03 08:00",
        "Thu 12-03 20:00",
    ]


def test_it_keeps_slots_at_their_local_time_across_dst():
    after = datetime(2026, 3, 23, 0, 0, tzinfo=UTC)

    found = list(queues.slot_instants([(5, time(9)), (6, time(9))], BERLIN, after=after, weeks=0))

    assert found == [
        datetime(2026, 3, 28, 8, 0, tzinfo=UTC),  # Saturday, CET
        datetime(2026, 3, 29, 7, 0, tzinfo=UTC),  # Sunday, CEST
    ]


def test_it_queues_at_the_next_free_slot_skipping_taken_ones(team: Team, channel: Channel):
    slot(team, channel, 3, "20:00")  # Thursday
    slot(team, channel, 0, "09:00")  # Monday
    taken = approved(team, [channel], datetime(2026, 11, 26, 12, 0, 30, tzinfo=UTC), body="占")
    post = approved(team, [channel], None, body="排队")

    queued = actions.queue_post(access=team.access("bob"), post=post)

    # Thursday 20:00 (12:00 UTC) is taken within its minute: the next one is Monday 09:00
    assert queued.scheduled_at == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert Publication.objects.get(post=post).due_at == queued.scheduled_at
    assert Publication.objects.get(post=taken).due_at.minute == 0
    event = AuditEvent.objects.filter(action="post.queued").latest("id")
    assert logged_after(event)["rule"] == "common"


def test_it_wraps_to_next_week_when_this_weeks_slots_are_full(team: Team, channel: Channel):
    slot(team, channel, 4, "10:00")  # Friday only
    first = approved(team, [channel], None, body="一")
    second = approved(team, [channel], None, body="二")

    one = actions.queue_post(access=team.access("bob"), post=first)
    two = actions.queue_post(access=team.access("bob"), post=second)

    assert one.scheduled_at == datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    assert two.scheduled_at == datetime(2026, 12, 4, 2, 0, tzinfo=UTC)


def test_it_finds_a_slot_free_in_every_account(team: Team, channel: Channel):
    other = connect(team, "acme_b")
    slot(team, channel, 4, "10:00")
    slot(team, channel, 5, "10:00")
    slot(team, other, 5, "10:00")
    slot(team, other, 4, "10:00")
    approved(team, [other], datetime(2026, 11, 27, 2, 0, tzinfo=UTC), body="占用")
    post = approved(team, [channel, other], None)

    queued = actions.queue_post(access=team.access("bob"), post=post)
    alone = approved(team, [channel, other], None, body="另一个")
    by_account = actions.queue_post(access=team.access("bob"), post=alone, channel_id=channel.pk)

    assert queued.scheduled_at == datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # Saturday
    assert by_account.scheduled_at == datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # its Friday


def test_it_says_when_accounts_share_no_slot(team: Team, channel: Channel):
    other = connect(team, "acme_b")
    slot(team, channel, 4, "10:00")
    slot(team, other, 4, "11:00")
    post = approved(team, [channel, other], None)

    with pytest.raises(ValidationError) as raised:
        actions.queue_post(access=team.access("bob"), post=post)

    assert "share no free posting slot" in str(raised.value)


def test_it_needs_slots_and_an_approved_post(team: Team, channel: Channel):
    draft = actions.create_post(access=team.access("carol"), channel_ids=[channel.pk], body="草")
    post = approved(team, [channel], None)

    with pytest.raises(ValidationError, match="posting slots"):
        actions.queue_post(access=team.access("bob"), post=post)
    slot(team, channel, 4, "10:00")
    with pytest.raises(ValidationError, match="approved"):
        actions.queue_post(access=team.access("bob"), post=draft)
    with pytest.raises(AccessDenied):
        actions.queue_post(access=team.access("carol"), post=post)


def test_it_audits_slot_changes_and_refuses_duplicates(team: Team, channel: Channel):
    added = slot(team, channel, 2, "18:30")

    with pytest.raises(ValidationError):
        slot(team, channel, 2, "18:30")
    with pytest.raises(AccessDenied):
        actions.add_slot(access=team.access("carol"), channel=channel, weekday=1, at=time(9))
    actions.delete_slot(access=team.access("bob"), slot=added)

    created = AuditEvent.objects.get(action="slot.created")
    assert logged_after(created) == {"channel": channel.pk, "weekday": 2, "time": "18:30"}
    assert audit_count("slot.deleted") == 1
    assert not PostingSlot.objects.exists()


def test_it_manages_slots_on_the_page(team: Team, channel: Channel):
    bob = team.browser("bob")
    slug = team.workspace.slug

    added = bob.post(
        reverse("content_slot_new", args=[slug, channel.pk]), {"weekday": "1", "time": "21:00"}
    )
    page = bob.get(reverse("content_slots", args=[slug]))
    one = PostingSlot.objects.get()
    removed = bob.post(reverse("content_slot_delete", args=[slug, one.pk]))

    assert added.status_code == 302 and removed.status_code == 302
    assert (one.weekday, one.time) == (1, time(21))
    assert f'id="slots-{channel.pk}"' in page.content.decode()
    assert "21:00" in page.content.decode()
    assert not PostingSlot.objects.exists()
    assert team.browser("carol").get(reverse("content_slots", args=[slug])).status_code == 200


def test_it_queues_from_the_calendar_page(team: Team, channel: Channel):
    slot(team, channel, 4, "10:00")
    post = approved(team, [channel], None)
    bob = team.browser("bob")

    calendar = bob.get(reverse("content_calendar", args=[team.workspace.slug]))
    response = bob.post(
        reverse("content_post_queue", args=[team.workspace.slug, post.pk]), follow=True
    )

    assert "so-queue-form" in calendar.content.decode()
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.scheduled_at == datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    assert "2026-11-27 10:00" in response.content.decode()


def test_it_serves_slots_and_the_queue_over_the_api(team: Team, channel: Channel):
    api = team.api("bob")
    post = approved(team, [channel], None)

    created = api.post(f"/channels/{channel.pk}/slots", {"weekday": 4, "time": "10:00"})
    again = api.post(f"/channels/{channel.pk}/slots", {"weekday": 4, "time": "10:00"})
    bad = api.post(f"/channels/{channel.pk}/slots", {"weekday": 7, "time": "25:00"})
    listed = api.get(f"/channels/{channel.pk}/slots")
    queued = api.post(f"/posts/{post.pk}/queue", {})
    by_editor = team.api("carol").post(f"/posts/{post.pk}/queue", {})
    deleted = api.delete(f"/channels/{channel.pk}/slots/{created.json()['id']}")
    missing = api.delete(f"/channels/{channel.pk}/slots/{created.json()['id']}")

    assert created.status_code == 201 and created.json()["time"] == "10:00"
    assert again.status_code == 422 and "time" in error_of(again)["fields"]
    assert bad.status_code == 422 and set(error_of(bad)["fields"]) == {"weekday", "time"}
    assert listed.json()["slots"][0]["weekday"] == 4
    assert listed.json()["upcoming"][0] == {
        "at": "2026-11-27T02:00:00Z",
        "local": "2026-11-27T10:00:00+08:00",
        "free": True,
    }
    assert queued.status_code == 200, queued.content
    assert queued.json()["local"] == "2026-11-27T10:00:00+08:00"
    assert by_editor.status_code == 403
    assert deleted.status_code == 204 and missing.status_code == 404


def test_it_hides_other_workspaces_slots(team: Team, channel: Channel):
    theirs = connect(team, "globex_x")
    Channel.objects.filter(pk=theirs.pk).update(workspace=team.other)

    response = team.api("bob").get(f"/channels/{theirs.pk}/slots")

    assert response.status_code == 404
