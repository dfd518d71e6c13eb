"""/guidebook, /guidebook/lint, /canned-replies and their render; editorial-rules' scope."""

from __future__ import annotations

from socialops.conftest import error_of
from socialops.content.models import EditorialRule
from socialops.guidebook.actions import ensure_default_guidebook
from socialops.guidebook.models import CannedReply, GuidebookSection

from .conftest import make_conversation, reply_rule, words


def test_it_reads_the_guidebook_with_its_reply_rules(team):
    ensure_default_guidebook(team.workspace)
    EditorialRule.objects.create(workspace=team.workspace, kind="max_links", params={"max": 1})

    response = team.api("erin").get("/guidebook")

    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["key"] for s in body["sections"]][:2] == ["language", "forbidden"]
    assert {r["scope"] for r in body["rules"]} == {"replies"}


def test_it_replaces_the_sections(team):
    response = team.api("bob").put(
        "/guidebook",
        {"sections": [{"key": "dm", "title": "私信原则", "body": "- 先问候"}, {"title": "其他"}]},
    )

    assert response.status_code == 200, response.content
    assert [(s["key"], s["title"]) for s in response.json()["sections"]] == [
        ("dm", "私信原则"),
        ("custom", "其他"),
    ]


def test_it_refuses_a_bad_guidebook_and_agents(team):
    twice = team.api("bob").put(
        "/guidebook", {"sections": [{"key": "dm", "title": "a"}, {"key": "dm", "title": "b"}]}
    )
    unknown = team.api("bob").put("/guidebook", {"sections": [{"key": "x", "title": "a"}]})
    agent = team.api("dave").put("/guidebook", {"sections": []})

    assert twice.status_code == 422
    assert "sections.1.key" in error_of(twice)["fields"]
    assert unknown.status_code == 422
    assert agent.status_code == 403
    assert not GuidebookSection.objects.exists()


def test_it_lints_a_reply_for_an_account(team, channel):
    reply_rule(team.workspace, "forbidden_words", words("垃圾"))

    response = team.api("dave").post(
        "/guidebook/lint", {"channel_id": channel.pk, "kind": "comment", "text": "垃圾 {订单号}"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is False
    assert [(f["kind"], f["start"], f["end"]) for f in body["findings"]] == [
        ("forbidden_words", 0, 2),
        ("placeholder", 3, 8),
    ]


def test_it_answers_404_for_another_workspaces_account_and_422_for_a_bad_kind(team, channel):
    other = team.api("charlie").post(
        "/guidebook/lint", {"channel_id": channel.pk, "kind": "dm", "text": "hi"}
    )
    bad = team.api("dave").post(
        "/guidebook/lint", {"channel_id": channel.pk, "kind": "tweet", "text": "hi"}
    )

    assert other.status_code == 404
    assert bad.status_code == 422
    assert "kind" in error_of(bad)["fields"]


def test_it_manages_canned_replies(team):
    bob = team.api("bob")
    created = bob.post(
        "/canned-replies",
        {"title": "感谢", "body": "谢谢{昵称}！", "shortcut": "thx", "kinds": ["comment"]},
    )
    assert created.status_code == 201, created.content
    reply_id = created.json()["id"]

    listed = team.api("dave").get("/canned-replies", {"kind": "dm"})
    patched = bob.patch(f"/canned-replies/{reply_id}", {"kinds": [], "purpose": "dm_invite"})
    after = team.api("dave").get("/canned-replies", {"kind": "dm"})
    deleted = bob.delete(f"/canned-replies/{reply_id}")

    assert listed.json()["results"] == []
    assert (patched.status_code, patched.json()["purpose"]) == (200, "dm_invite")
    assert [r["id"] for r in after.json()["results"]] == [reply_id]
    assert deleted.status_code == 204
    assert not CannedReply.objects.exists()


def test_it_refuses_a_canned_body_the_guidebook_forbids(team):
    reply_rule(team.workspace, "forbidden_words", words("垃圾"))

    response = team.api("bob").post("/canned-replies", {"title": "x", "body": "垃圾"})
    by_agent = team.api("dave").post("/canned-replies", {"title": "x", "body": "好"})

    assert response.status_code == 422
    assert "垃圾" in error_of(response)["fields"]["body"]
    assert by_agent.status_code == 403
    assert not CannedReply.objects.exists()


def test_it_renders_a_canned_reply_for_a_conversation(team, channel):
    conversation = make_conversation(channel)
    reply = CannedReply.objects.create(
        workspace=team.workspace, title="订单", body="{昵称}您好，订单 {订单号} 我是{客服}"
    )

    response = team.api("dave").post(
        f"/canned-replies/{reply.pk}/render", {"conversation_id": conversation.pk}
    )
    viewer = team.api("erin").post(
        f"/canned-replies/{reply.pk}/render", {"conversation_id": conversation.pk}
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"text": "小明您好，订单 {订单号} 我是Dave", "unfilled": ["{订单号}"]}
    assert viewer.status_code == 403
    reply.refresh_from_db()
    assert reply.usage_count == 1


def test_it_answers_404_for_another_workspaces_reply_or_conversation(team, channel):
    conversation = make_conversation(channel)
    theirs = CannedReply.objects.create(workspace=team.other, title="x", body="y")
    ours = CannedReply.objects.create(workspace=team.workspace, title="x", body="y")

    reply = team.api("dave").post(
        f"/canned-replies/{theirs.pk}/render", {"conversation_id": conversation.pk}
    )
    other = team.api("charlie").post(
        f"/canned-replies/{ours.pk}/render", {"conversation_id": conversation.pk}
    )

    assert (reply.status_code, other.status_code) == (404, 404)


def test_it_creates_and_patches_editorial_rules_with_a_scope(team):
    created = team.api("bob").post(
        "/editorial-rules",
        {
            "kind": "forbidden_words",
            "params": {"words": ["垃圾"]},
            "scope": "replies",
            "reply_kinds": ["dm", "comment"],
        },
    )
    assert created.status_code == 201, created.content
    assert (created.json()["scope"], created.json()["reply_kinds"]) == (
        "replies",
        ["comment", "dm"],
    )
    rule_id = created.json()["id"]

    patched = team.api("bob").patch(f"/editorial-rules/{rule_id}", {"scope": "both"})
    bad = team.api("bob").patch(f"/editorial-rules/{rule_id}", {"reply_kinds": ["tweet"]})
    default = team.api("bob").post("/editorial-rules", {"kind": "max_links", "params": {"max": 1}})

    assert patched.json()["scope"] == "both"
    assert bad.status_code == 422
    assert (default.json()["scope"], default.json()["reply_kinds"]) == ("posts", [])
