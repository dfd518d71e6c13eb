"""The Rules page's forms: errors on the right field, the lint partial, other workspaces' ids."""

from __future__ import annotations

from socialops.content import actions
from socialops.content.models import EditorialRule


def test_it_shows_a_catastrophic_pattern_error_on_the_pattern_field(team):
    response = team.browser("bob").post(
        "/w/acme/content/rules/new/",
        {"kind": "custom", "severity": "error", "pattern": "(a+)+$", "message": "x"},
    )
    assert response.status_code == 422
    assert "catastrophic" in response.context["form"].errors["pattern"][0]
    assert not EditorialRule.objects.exists()


def test_it_edits_a_rule_keeping_per_word_pinyin(team):
    rule = actions.create_rule(
        access=team.access("bob"),
        kind="forbidden_words",
        params={"words": [{"word": "微博", "pinyin": True, "replacement": "某平台"}, "发票"]},
    )
    browser = team.browser("bob")
    page = browser.get(f"/w/acme/content/rules/{rule.pk}/")
    assert page.context["form"].initial["words"] == "微博 | 某平台 | pinyin\n发票"
    response = browser.post(
        f"/w/acme/content/rules/{rule.pk}/",
        {"kind": "forbidden_words", "severity": "warning", "words": "发票 | 票据"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.params == {"words": [{"word": "发票", "pinyin": False, "replacement": "票据"}]}
    assert rule.severity == "warning"


def test_it_returns_the_findings_partial_with_marks(team):
    actions.create_rule(
        access=team.access("bob"), kind="forbidden_words", params={"words": ["微博"]}
    )
    response = team.browser("carol").post(
        "/w/acme/content/lint/", {"text": "看微 博吧", "platform": "weibo"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kind="forbidden_words"' in html
    assert "<mark" in html and "微 博<sup" in html


def test_it_does_not_find_another_workspaces_rule(team):
    theirs = actions.create_rule(
        access=team.access("charlie", team.other), kind="max_links", params={"max": 1}
    )
    browser = team.browser("alice")
    assert browser.get(f"/w/acme/content/rules/{theirs.pk}/").status_code == 404
    assert browser.post(f"/w/acme/content/rules/{theirs.pk}/toggle/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.enabled
