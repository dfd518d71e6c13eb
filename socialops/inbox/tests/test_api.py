"""/api/v1/inbox/…: the list, the detail, triage, replies, bulk, labels, views, rules, presence."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import translation

from socialops.conftest import Team, audit_count, error_of
from socialops.inbox import actions
from socialops.inbox.models import AssignmentRule, Conversation, Label, Message, Note, SavedView

from . import factories
from .conftest import finding, many, other_channel

pytestmark = pytest.mark.django_db
LIST = "/inbox/conversations"


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_it_lists_with_filters_and_a_next_link(team: Team, channel: Any) -> None:
    found = many(channel, 5)
    api = team.api("dave")
    response = api.get(LIST, {"page_size": "2"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [row["id"] for row in body["results"]] == [found[4].pk, found[3].pk]
    assert body["results"][0]["platform"] == "weibo"
    assert body["results"][0]["unread"] is True
    seen = [row["id"] for row in body["results"]]
    while body["next"]:
        parts = urlsplit(body["next"])
        body = api.get(f"{parts.path}?{parts.query}").json()
        seen += [row["id"] for row in body["results"]]
    assert seen == [c.pk for c in reversed(found)]
    assert api.get(LIST, {"q": "消息3"}).json()["results"][0]["id"] == found[3].pk


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "closed"}, "status"),
        ({"kind": "tweet"}, "kind"),
        ({"assignee": "someone"}, "assignee"),
        ({"priority": "9"}, "priority"),
        ({"sort": "random"}, "sort"),
        ({"cursor": "broken"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "1.5"}, "page_size"),
        ({"label_id": "999999"}, "label_id"),
    ],
)
def test_it_names_the_bad_query_field(
    team: Team, channel: Any, params: dict[str, str], field: str
) -> None:
    response = team.api("dave").get(LIST, params)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_it_shows_the_detail_with_everything_the_panes_need(
    team: Team, convo: Conversation, label: Label
) -> None:
    convo.labels.add(label)
    Note.objects.create(conversation=convo, author=team.bob, text="VIP 客户")
    actions.touch_presence(convo, team.bob, typing=True)
    response = team.api("dave").get(f"{LIST}/{convo.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [m["text"] for m in body["messages"]] == ["我的订单还没发货，怎么回事？"]
    assert body["notes"][0]["text"] == "VIP 客户"
    assert body["labels"] == [{"id": label.pk, "name": "物流", "color": "#ff8800"}]
    assert body["others_present"] == [
        {
            "user_id": team.bob.pk,
            "name": "Bob",
            "typing": True,
            "seen_at": body["others_present"][0]["seen_at"],
        }
    ]
    assert body["contact"] is None and body["history"] == []
    # reading writes nothing: bob does not see dave there until dave announces himself
    assert team.api("bob").get(f"{LIST}/{convo.pk}").json()["others_present"] == []


def test_it_answers_404_for_another_workspaces_ids(team: Team, convo: Conversation) -> None:
    theirs = factories.conversation(other_channel(team))
    their_label = Label.objects.create(workspace=team.other, name="x")
    api = team.api("dave")
    assert api.get(f"{LIST}/{theirs.pk}").status_code == 404
    assert api.patch(f"{LIST}/{theirs.pk}", {"status": "spam"}).status_code == 404
    assert api.post(f"{LIST}/{theirs.pk}/notes", {"text": "hi"}).status_code == 404
    response = api.post(f"{LIST}/{convo.pk}/labels", {"label_id": their_label.pk})
    assert response.status_code == 404
    charlie = team.api("charlie")
    assert charlie.get(f"{LIST}/{convo.pk}").status_code == 404
    assert [row["id"] for row in charlie.get(LIST).json()["results"]] == [theirs.pk]
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_it_patches_status_priority_and_assignee_together(team: Team, convo: Conversation) -> None:
    response = team.api("dave").patch(
        f"{LIST}/{convo.pk}", {"status": "pending", "priority": 2, "assignee_id": team.dave.pk}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["priority"], body["assignee_id"]) == ("pending", 2, team.dave.pk)
    response = team.api("dave").patch(f"{LIST}/{convo.pk}", {"assignee_id": None})
    assert response.json()["assignee_id"] is None
    assert audit_count("inbox.assigned") == 2


def test_it_writes_nothing_when_one_patched_field_is_bad(team: Team, convo: Conversation) -> None:
    response = team.api("dave").patch(
        f"{LIST}/{convo.pk}", {"status": "resolved", "assignee_id": team.erin.pk}
    )
    assert response.status_code == 422
    assert "assignee_id" in error_of(response)["fields"]
    convo.refresh_from_db()
    assert convo.status == "open"
    assert audit_count("inbox.status_changed") == 0
    response = team.api("dave").patch(f"{LIST}/{convo.pk}", {"status": "closed", "colour": 1})
    assert response.status_code == 422
    assert {"status", "colour"} <= set(error_of(response)["fields"])


def test_it_lets_analysts_read_but_not_triage(team: Team, convo: Conversation) -> None:
    erin = team.api("erin")
    assert erin.get(LIST).status_code == 200
    assert erin.patch(f"{LIST}/{convo.pk}", {"status": "spam"}).status_code == 403
    assert erin.post(f"{LIST}/{convo.pk}/replies", {"text": "你好"}).status_code == 403
    assert erin.post("/inbox/labels", {"name": "x"}).status_code == 403
    assert team.api("dave").post("/inbox/labels", {"name": "x"}).status_code == 403
    assert team.api("bob").post("/inbox/labels", {"name": "x"}).status_code == 201


def test_it_replies_and_blocks_with_findings(
    team: Team, convo: Conversation, delivered: list[int], guidebook: list[Any]
) -> None:
    api = team.api("dave")
    guidebook.append(finding("error", "亲，这个不行"))
    response = api.post(f"{LIST}/{convo.pk}/replies", {"text": "亲，这个不行"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "guidebook" and "text" in error["fields"]
    assert response.json()["findings"][0]["matched"] == "亲"
    assert response.json()["findings"][0]["start"] == 0
    guidebook[:] = [finding("warning", "亲，稍等")]
    response = api.post(f"{LIST}/{convo.pk}/replies", {"text": "亲，稍等"})
    assert response.status_code == 422
    assert "accept_warnings" in error_of(response)["fields"]
    assert not Message.objects.filter(direction="out").exists()
    response = api.post(
        f"{LIST}/{convo.pk}/replies",
        {"text": "亲，稍等", "accept_warnings": True, "then_status": "resolved"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["send_state"] == "sent" and body["lint"][0]["severity"] == "warning"
    convo.refresh_from_db()
    assert convo.status == "resolved"


def test_it_refuses_malformed_reply_bodies(team: Team, convo: Conversation) -> None:
    api = team.api("dave")
    for body, field in [
        ({"text": ""}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"text": "ok", "accept_warnings": "yes"}, "accept_warnings"),
        ({"text": "ok", "then_status": "closed"}, "then_status"),
        ({"text": "ok", "extra": 1}, "extra"),
    ]:
        response = api.post(f"{LIST}/{convo.pk}/replies", body)
        assert response.status_code == 422, body
        assert field in error_of(response)["fields"], body
    assert not Message.objects.filter(direction="out").exists()


def test_it_retries_a_failed_message(team: Team, convo: Conversation, delivered: list[int]) -> None:
    failed = factories.reply(convo, state=Message.SendState.FAILED)
    sent = factories.reply(convo, state=Message.SendState.SENT)
    api = team.api("dave")
    assert api.post(f"/inbox/messages/{failed.pk}/retry").json()["send_state"] == "sent"
    response = api.post(f"/inbox/messages/{sent.pk}/retry")
    assert response.status_code == 422 and "message_id" in error_of(response)["fields"]


def test_it_adds_notes_and_labels(team: Team, convo: Conversation, label: Label) -> None:
    api = team.api("dave")
    response = api.post(f"{LIST}/{convo.pk}/notes", {"text": "已联系仓库"})
    assert response.status_code == 201 and response.json()["author_id"] == team.dave.pk
    response = api.post(f"{LIST}/{convo.pk}/labels", {"label_id": label.pk})
    assert response.status_code == 200 and response.json()["labels"][0]["id"] == label.pk
    assert api.delete(f"{LIST}/{convo.pk}/labels/{label.pk}").status_code == 204
    assert not convo.labels.exists()


def test_it_lints_a_draft(team: Team, convo: Conversation, guidebook: list[Any]) -> None:
    guidebook.append(finding("warning", "亲爱的", "亲"))
    response = team.api("dave").post(f"{LIST}/{convo.pk}/lint", {"text": "亲爱的"})
    assert response.json()["warnings"] == 1 and response.json()["errors"] == 0


def test_it_reports_presence(team: Team, convo: Conversation) -> None:
    team.api("bob").post(f"{LIST}/{convo.pk}/presence", {"typing": True})
    response = team.api("dave").post(f"{LIST}/{convo.pk}/presence", {"typing": False})
    assert response.status_code == 200
    assert [(p["user_id"], p["typing"]) for p in response.json()] == [(team.bob.pk, True)]


def test_it_bulk_changes_by_ids_or_filters_all_or_nothing(team: Team, channel: Any) -> None:
    found = many(channel, 3)
    api = team.api("dave")
    response = api.post(
        "/inbox/bulk", {"ids": [found[0].pk, found[1].pk], "action": "priority", "value": 3}
    )
    assert response.json() == {"changed": 2}
    response = api.post(
        "/inbox/bulk", {"filters": {"priority": 3}, "action": "assign", "value": team.dave.pk}
    )
    assert response.json() == {"changed": 2}
    theirs = factories.conversation(other_channel(team))
    response = api.post(
        "/inbox/bulk", {"ids": [found[2].pk, theirs.pk], "action": "status", "value": "spam"}
    )
    assert response.status_code == 422 and "ids" in error_of(response)["fields"]
    assert not Conversation.objects.filter(status="spam").exists()
    response = api.post("/inbox/bulk", {"action": "status", "value": "spam"})
    assert response.status_code == 422 and "ids" in error_of(response)["fields"]
    assert audit_count("inbox.priority_changed") == 2 and audit_count("inbox.assigned") == 2


def test_it_manages_labels_views_and_rules(team: Team) -> None:
    bob = team.api("bob")
    label = bob.post("/inbox/labels", {"name": "投诉", "color": "#ff0000"}).json()
    response = bob.post("/inbox/labels", {"name": "投诉"})
    assert response.status_code == 422 and "name" in error_of(response)["fields"]
    assert bob.patch(f"/inbox/labels/{label['id']}", {"color": "#00ff00"}).json()["color"] == (
        "#00ff00"
    )
    assert [row["name"] for row in bob.get("/inbox/labels").json()["results"]] == ["投诉"]
    assert bob.delete(f"/inbox/labels/{label['id']}").status_code == 204

    dave = team.api("dave")
    view = dave.post("/inbox/views", {"name": "我的", "filters": {"assignee": "me"}}).json()
    assert view["filters"] == {"assignee": "me"} and view["shared"] is False
    response = dave.post("/inbox/views", {"name": "团队", "filters": {}, "shared": True})
    assert response.status_code == 403
    response = dave.post("/inbox/views", {"name": "坏", "filters": {"sort": "x"}})
    assert response.status_code == 422 and "filters.sort" in error_of(response)["fields"]
    assert dave.patch(f"/inbox/views/{view['id']}", {"name": "新名"}).json()["name"] == "新名"
    assert team.api("carol").delete(f"/inbox/views/{view['id']}").status_code == 404
    assert dave.delete(f"/inbox/views/{view['id']}").status_code == 204
    assert not SavedView.objects.exists()

    rule = bob.post(
        "/inbox/assignment-rules",
        {"name": "私信", "strategy": "round_robin", "member_ids": [team.dave.pk], "kinds": ["dm"]},
    ).json()
    second = bob.post(
        "/inbox/assignment-rules",
        {"name": "其他", "strategy": "fixed", "member_ids": [team.bob.pk]},
    ).json()
    response = bob.post(
        "/inbox/assignment-rules",
        {"name": "坏", "strategy": "fixed", "member_ids": [team.erin.pk]},
    )
    assert response.status_code == 422 and "member_ids" in error_of(response)["fields"]
    response = bob.post("/inbox/assignment-rules/reorder", {"ids": [second["id"], rule["id"]]})
    assert [row["id"] for row in response.json()] == [second["id"], rule["id"]]
    listed = bob.get("/inbox/assignment-rules").json()["results"]
    assert [row["id"] for row in listed] == [second["id"], rule["id"]]
    response = bob.patch(f"/inbox/assignment-rules/{rule['id']}", {"enabled": False})
    assert response.json()["enabled"] is False
    assert team.api("dave").delete(f"/inbox/assignment-rules/{rule['id']}").status_code == 403
    assert bob.delete(f"/inbox/assignment-rules/{rule['id']}").status_code == 204
    assert AssignmentRule.objects.count() == 1
