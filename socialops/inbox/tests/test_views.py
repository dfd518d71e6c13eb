"""The three-pane inbox page and its forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from socialops.conftest import Team
from socialops.inbox.models import AssignmentRule, Conversation, Label, Message, Note, SavedView

from . import factories
from .conftest import finding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_it_shows_the_three_panes(team: Team, convo: Conversation, label: Label) -> None:
    convo.labels.add(label)
    client = team.browser("dave")
    response = client.get(reverse("inbox_conversation", args=["acme", convo.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="inbox-list"' in html and 'id="thread"' in html and 'id="context-pane"' in html
    assert "我的订单还没发货" in html
    assert 'id="reply-form"' in html


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=["acme", *args])


def test_it_is_the_landing_of_the_interaction_section(team: Team, convo: Conversation) -> None:
    response = team.browser("erin").get("/w/acme/interaction/")
    assert response.status_code == 200
    assert response.resolver_match.url_name == "inbox"
    html = response.content.decode()
    assert f'data-row="{convo.pk}"' in html
    assert 'data-tab="inbox"' in html
    assert 'id="bulk-form"' not in html  # analysts read, but do not triage
    assert team.browser("charlie").get("/w/acme/interaction/").status_code == 404


def test_it_keeps_filters_and_shows_their_errors(team: Team, channel: Any) -> None:
    mine = factories.conversation(channel, assignee=team.dave)
    factories.conversation(channel)
    client = team.browser("dave")
    html = client.get(_url("inbox"), {"assignee": "me"}).content.decode()
    assert html.count("data-row=") == 1 and f'data-row="{mine.pk}"' in html
    html = client.get(_url("inbox"), {"sort": "random"}).content.decode()
    assert 'data-field="sort"' in html and html.count("data-row=") == 2


def test_it_marks_unread_unanswered_priority_and_sentiment(team: Team, channel: Any) -> None:
    conversation = factories.conversation(
        channel, priority=3, sentiment="negative", intent="complaint", assignee=team.bob
    )
    factories.inbound(conversation, "太差了")
    html = team.browser("dave").get(_url("inbox")).content.decode()
    for mark in ("unanswered", "priority", "sentiment", "intent"):
        assert f'data-mark="{mark}"' in html
    assert "so-unread" in html
    opened = team.browser("dave").get(_url("inbox_conversation", conversation.pk))
    assert "so-unread" not in opened.content.decode()  # opening it reads it
    assert f'data-assignee="{team.bob.pk}"' in html


def test_it_replies_from_the_form_and_shows_the_send_state(
    team: Team, convo: Conversation, delivered: list[int]
) -> None:
    client = team.browser("dave")
    response = client.post(
        _url("inbox_reply", convo.pk), {"text": "已为您加急", "then": "resolved", "qs": "kind=dm"}
    )
    assert response.status_code == 302
    assert response["Location"] == _url("inbox_conversation", convo.pk) + "?kind=dm"
    convo.refresh_from_db()
    assert convo.status == "resolved"
    html = client.get(_url("inbox_conversation", convo.pk)).content.decode()
    assert 'data-direction="out" data-send-state="sent"' in html


def test_it_shows_the_guidebook_findings_when_a_reply_is_blocked(
    team: Team, convo: Conversation, delivered: list[int], guidebook: list[Any]
) -> None:
    guidebook.append(finding("error", "亲，找客服", "亲"))
    response = team.browser("dave").post(
        _url("inbox_reply", convo.pk), {"text": "亲，找客服", "then": "open"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="lint-findings"' in html and 'data-severity="error"' in html
    assert "亲，找客服" in html  # the text stays in the box
    assert not Message.objects.filter(direction="out").exists()


def test_it_shows_a_failed_message_with_a_retry_button(
    team: Team, convo: Conversation, delivered: list[int]
) -> None:
    failed = factories.reply(convo, state=Message.SendState.FAILED)
    Message.objects.filter(pk=failed.pk).update(error_message="账号被限流")
    client = team.browser("dave")
    html = client.get(_url("inbox_conversation", convo.pk)).content.decode()
    assert "账号被限流" in html and _url("inbox_retry", failed.pk) in html
    response = client.post(_url("inbox_retry", failed.pk))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.send_state == "sent"


def test_it_styles_notes_apart_and_lints_as_you_type(
    team: Team, convo: Conversation, guidebook: list[Any]
) -> None:
    client = team.browser("dave")
    client.post(_url("inbox_note", convo.pk), {"text": "转给物流组"})
    assert Note.objects.get().text == "转给物流组"
    html = client.get(_url("inbox_conversation", convo.pk)).content.decode()
    assert "so-note" in html and "转给物流组" in html
    guidebook.append(finding("warning", "亲爱的", "亲"))
    response = client.post(_url("inbox_lint", convo.pk), {"text": "亲爱的"})
    assert 'data-severity="warning"' in response.content.decode()


def test_it_warns_that_someone_else_is_replying(team: Team, convo: Conversation) -> None:
    team.browser("bob").post(_url("inbox_presence", convo.pk), {"typing": "1"})
    response = team.browser("dave").post(_url("inbox_presence", convo.pk), {"typing": "0"})
    warning = f'data-user="{team.bob.pk}" data-typing="1"'
    html = response.content.decode()
    assert warning in html and "Bob" in html  # "Bob is also replying"
    page = team.browser("dave").get(_url("inbox_conversation", convo.pk)).content.decode()
    assert warning in page


def test_it_triages_from_the_context_pane(team: Team, convo: Conversation, label: Label) -> None:
    client = team.browser("dave")
    client.post(_url("inbox_assign", convo.pk), {"assignee": "me"})
    client.post(_url("inbox_priority", convo.pk), {"priority": "2"})
    client.post(_url("inbox_label", convo.pk), {"label_id": label.pk, "op": "add"})
    client.post(_url("inbox_status", convo.pk), {"status": "pending"})
    convo.refresh_from_db()
    assert (convo.assignee_id, convo.priority, convo.status) == (team.dave.pk, 2, "pending")
    assert list(convo.labels.all()) == [label]
    response = client.post(_url("inbox_status", convo.pk), {"status": "closed"}, follow=True)
    assert "alert-danger" in response.content.decode()  # the action's field error, shown
    convo.refresh_from_db()
    assert convo.status == "pending"
    assert (
        team.browser("erin").post(_url("inbox_status", convo.pk), {"status": "spam"}).status_code
        == 403
    )


def test_it_bulk_changes_ticked_rows(team: Team, channel: Any) -> None:
    from .conftest import many

    found = many(channel, 3)
    client = team.browser("dave")
    response = client.post(
        _url("inbox_bulk"),
        {"ids": [found[0].pk, found[2].pk], "action": "assign", "value": "me"},
    )
    assert response.status_code == 302
    assert set(Conversation.objects.filter(assignee=team.dave).values_list("pk", flat=True)) == {
        found[0].pk,
        found[2].pk,
    }
    Conversation.objects.filter(pk=found[1].pk).update(priority=3)
    client.post(
        _url("inbox_bulk"),
        {"all_matching": "on", "qs": "priority=3", "action": "status", "value": "spam"},
    )
    assert list(Conversation.objects.filter(status="spam").values_list("pk", flat=True)) == [
        found[1].pk
    ]


def test_it_saves_the_current_filters_as_a_view(team: Team) -> None:
    client = team.browser("dave")
    client.post(_url("inbox_view_new"), {"name": "我的投诉", "qs": "intent=complaint&assignee=me"})
    view = SavedView.objects.get()
    assert view.filters == {"assignee": "me", "intent": "complaint"} and view.user == team.dave
    html = client.get(_url("inbox")).content.decode()
    assert "我的投诉" in html
    client.post(_url("inbox_view_delete", view.pk))
    assert not SavedView.objects.exists()


def test_it_offers_add_as_contact_or_shows_the_card(team: Team, convo: Conversation) -> None:
    from socialops.contacts.models import Contact, Identity

    html = team.browser("dave").get(_url("inbox_conversation", convo.pk)).content.decode()
    assert 'id="contact-card"' in html
    new_contact = reverse("contact_new", args=["acme"])
    assert f'id="add-contact" href="{new_contact}?platform=weibo&amp;remote_id=u42' in html
    contact = Contact.objects.create(workspace=team.workspace, name="王小明", kind="kol")
    Identity.objects.create(
        workspace=team.workspace, contact=contact, platform="weibo", handle="wxm"
    )
    Conversation.objects.filter(pk=convo.pk).update(contact=contact)
    html = team.browser("dave").get(_url("inbox_conversation", convo.pk)).content.decode()
    assert f'data-contact="{contact.pk}"' in html and "@wxm" in html
    assert reverse("contact_detail", args=["acme", contact.pk]) in html
    assert 'id="add-contact"' not in html


def test_it_manages_labels_and_rules_on_the_settings_tab(team: Team) -> None:
    client = team.browser("bob")
    assert client.get(_url("inbox_settings")).status_code == 200
    response = client.post(_url("inbox_label_new"), {"name": "售后", "color": "#123456"})
    assert response.status_code == 302 and Label.objects.get().name == "售后"
    response = client.post(
        _url("inbox_rule_new"),
        {
            "name": "私信轮流",
            "strategy": "round_robin",
            "kinds": ["dm"],
            "member_ids": [team.dave.pk],
        },
    )
    assert response.status_code == 302
    rule = AssignmentRule.objects.get()
    assert rule.kinds == ["dm"] and rule.member_ids == [team.dave.pk]
    client.post(_url("inbox_rule_change", rule.pk), {"op": "toggle"})
    rule.refresh_from_db()
    assert not rule.enabled
    response = client.post(_url("inbox_label_new"), {"name": "售后", "color": "#123456"})
    assert response.status_code == 422
    assert team.browser("dave").post(_url("inbox_label_new"), {"name": "x"}).status_code == 403


def test_it_fills_the_reply_box_from_a_canned_reply(team: Team, convo: Conversation) -> None:
    from socialops.guidebook.models import CannedReply

    canned = CannedReply.objects.create(
        workspace=team.workspace, title="发货", body="{nickname} 您好，订单已发出", kinds=["dm"]
    )
    CannedReply.objects.create(
        workspace=team.workspace, title="评论专用", body="感谢关注", kinds=["comment"]
    )
    client = team.browser("dave")
    html = client.get(_url("inbox_conversation", convo.pk)).content.decode()
    assert 'id="canned-picker"' in html and "发货" in html and "评论专用" not in html
    html = client.get(_url("inbox_conversation", convo.pk), {"canned": canned.pk}).content.decode()
    assert ">王小明 您好，订单已发出</textarea>" in html  # filled in for this conversation


def test_it_renders_the_list_in_a_fixed_number_of_queries(
    team: Team, channel: Any, label: Label
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import many

    client = team.browser("dave")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url("inbox")).status_code == 200
        return len(captured)

    for conversation in many(channel, 2, assignee=team.dave):
        conversation.labels.add(label)
    client.get(_url("inbox"))  # sessions and caches warm
    few = count()
    for conversation in many(channel, 15, assignee=team.bob):
        conversation.labels.add(label)
    assert count() == few


def test_it_shows_the_sla_badge_from_the_sla_app(
    team: Team, convo: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    import socialops.sla.queries as sla_queries
    from socialops.core.clock import now

    due = now() + timedelta(minutes=20)
    badge = sla_queries.Badge(state="warning", due_at=due, metric="first_response")
    monkeypatch.setattr(
        sla_queries, "badges", lambda items: {getattr(c, "pk", c): badge for c in items}
    )
    html = team.browser("dave").get(_url("inbox")).content.decode()
    assert 'data-mark="sla" data-state="warning"' in html
    body = team.api("dave").get("/inbox/conversations").json()
    assert body["results"][0]["sla"]["state"] == "warning"
    assert body["results"][0]["sla"]["metric"] == "first_response"
