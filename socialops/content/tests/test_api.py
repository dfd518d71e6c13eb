"""POST /lint and the /editorial-rules routes: shapes, validation, audit, workspace isolation."""

from __future__ import annotations

from socialops.accounts.actions import update_profile
from socialops.conftest import error_of, logged_after
from socialops.content import actions
from socialops.content.models import EditorialRule
from socialops.core.models import AuditEvent

WORDS = {"kind": "forbidden_words", "params": {"words": [{"word": "微博", "pinyin": True}]}}


def test_it_lints_a_text_with_the_workspaces_rules(team):
    bob = team.api("bob")
    assert bob.post("/editorial-rules", WORDS).status_code == 201
    disclosure = {
        "kind": "required_disclosure",
        "severity": "warning",
        "params": {"any_of": ["广告"]},
    }
    assert bob.post("/editorial-rules", disclosure).status_code == 201

    response = team.api("erin").post(
        "/lint", {"text": "关注微 博和 weibo", "platform": "weibo", "paid": True}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    found = [(f["kind"], f["start"], f["end"], f["matched"]) for f in body["findings"]]
    assert found == [
        ("forbidden_words", 2, 5, "微 博"),
        ("forbidden_words", 7, 12, "weibo"),
        ("required_disclosure", 12, 12, ""),
    ]
    assert body["findings"][0]["fixed_text"] == "关注和 weibo"


def test_it_is_ok_with_only_warnings(team):
    team.api("bob").post("/editorial-rules", {**WORDS, "severity": "warning"})
    body = team.api("carol").post("/lint", {"text": "微博", "platform": "weibo"}).json()
    assert body["ok"] is True
    assert len(body["findings"]) == 1


def test_it_speaks_the_callers_language_in_findings(team):
    team.api("bob").post("/editorial-rules", WORDS)
    update_profile(user=team.erin, language="en")
    zh = team.api("carol").post("/lint", {"text": "微博", "platform": "weibo"})
    en = team.api("erin").post("/lint", {"text": "微博", "platform": "weibo"})
    assert zh.json()["findings"][0]["message"] == "违禁词“微博”。"
    assert en.json()["findings"][0]["message"] == "Forbidden word “微博”."


def test_it_refuses_a_catastrophic_pattern_with_a_field_error(team):
    response = team.api("bob").post(
        "/editorial-rules",
        {"kind": "custom", "params": {"pattern": "(a+)+$", "message": "no"}},
    )
    assert response.status_code == 422
    assert "params.pattern" in error_of(response)["fields"]
    assert not EditorialRule.objects.exists()


def test_it_refuses_unknown_platforms_and_kinds(team):
    bob = team.api("bob")
    bad_platform = bob.post("/editorial-rules", {**WORDS, "applies_to": ["myspace"]})
    assert "applies_to" in error_of(bad_platform)["fields"]
    assert bob.post("/editorial-rules", {"kind": "tone", "params": {}}).status_code == 422


def test_it_creates_updates_disables_and_deletes_with_audit(team):
    bob = team.api("bob")
    created = bob.post("/editorial-rules", {**WORDS, "name": "平台名", "applies_to": ["weibo"]})
    rule_id = created.json()["id"]
    assert created.json()["applies_to"] == ["weibo"]

    changed = bob.patch(f"/editorial-rules/{rule_id}", {"params": {"words": ["发票"]}})
    assert changed.status_code == 200
    assert changed.json()["params"]["words"] == [
        {"word": "发票", "pinyin": False, "replacement": ""}
    ]
    assert bob.patch(f"/editorial-rules/{rule_id}", {"enabled": False}).json()["enabled"] is False
    assert team.api("carol").post("/lint", {"text": "发票", "platform": "weibo"}).json()["ok"]

    listed = bob.get("/editorial-rules").json()
    assert [item["id"] for item in listed["results"]] == [rule_id]
    assert bob.delete(f"/editorial-rules/{rule_id}").status_code == 204
    assert bob.get(f"/editorial-rules/{rule_id}").status_code == 404

    actions_logged = list(
        AuditEvent.objects.filter(action__startswith="editorial_rule.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions_logged == [
        "editorial_rule.created",
        "editorial_rule.updated",
        "editorial_rule.disabled",
        "editorial_rule.deleted",
    ]
    updated = AuditEvent.objects.get(action="editorial_rule.updated")
    assert isinstance(updated.before, dict)
    assert updated.before["params"]["words"][0]["word"] == "微博"
    assert logged_after(updated)["params"]["words"][0]["word"] == "发票"


def test_it_never_applies_or_shows_another_workspaces_rules(team):
    theirs = actions.create_rule(
        access=team.access("charlie", team.other),
        kind="forbidden_words",
        params={"words": ["微博"]},
    )
    alice = team.api("alice")
    assert alice.post("/lint", {"text": "微博", "platform": "weibo"}).json()["findings"] == []
    assert alice.get("/editorial-rules").json()["results"] == []
    for method in ("get", "delete"):
        response = getattr(alice, method)(f"/editorial-rules/{theirs.pk}")
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    assert alice.patch(f"/editorial-rules/{theirs.pk}", {"enabled": False}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.enabled


def test_it_lets_editors_read_but_not_change_rules(team):
    team.api("bob").post("/editorial-rules", WORDS)
    carol = team.api("carol")
    assert carol.get("/editorial-rules").status_code == 200
    assert carol.post("/editorial-rules", WORDS).status_code == 403
    assert EditorialRule.objects.count() == 1
