"""The guidebook and canned-reply pages: who sees and changes what, the live reply check."""

from __future__ import annotations

from django.urls import reverse

from socialops.content.models import EditorialRule
from socialops.guidebook.actions import ensure_default_guidebook
from socialops.guidebook.models import CannedReply, GuidebookSection

from .conftest import reply_rule, words


def _url(name, team, **kwargs):
    return reverse(name, kwargs={"slug": team.workspace.slug, **kwargs})


def test_it_shows_the_guidebook_to_agents_without_edit_buttons(team, channel):
    ensure_default_guidebook(team.workspace)

    page = team.browser("dave").get(_url("guidebook", team))

    html = page.content.decode()
    assert page.status_code == 200
    assert "互动禁区" in html and "<li>" in html
    assert f'href="/w/{team.workspace.slug}/interaction/sla/"' in html
    assert "公开回复不留手机号" in html
    assert _url("guidebook_section_new", team) not in html
    assert 'data-tab="guidebook"' in html and 'id="reply-check"' in html


def test_it_lets_managers_add_edit_and_delete_sections(team):
    bob = team.browser("bob")
    added = bob.post(
        _url("guidebook_section_new", team), {"title": "节日问候", "body": "- 提前准备"}
    )
    section = GuidebookSection.objects.get(title="节日问候")
    edited = bob.post(
        _url("guidebook_section_edit", team, section_id=section.pk),
        {"title": "节日问候", "body": "**提前**准备"},
    )
    invalid = bob.post(
        _url("guidebook_section_edit", team, section_id=section.pk), {"title": "", "body": ""}
    )
    page = bob.get(_url("guidebook", team)).content.decode()
    history = bob.get(_url("guidebook_history", team))
    deleted = bob.post(_url("guidebook_section_delete", team, section_id=section.pk))

    assert (added.status_code, edited.status_code, invalid.status_code) == (302, 302, 422)
    assert "<strong>提前</strong>准备" in page
    assert _url("guidebook_section_edit", team, section_id=section.pk) in page
    assert history.status_code == 200 and "节日问候" in history.content.decode()
    assert deleted.status_code == 302
    assert not GuidebookSection.objects.exists()


def test_it_refuses_section_changes_to_agents(team):
    response = team.browser("dave").post(
        _url("guidebook_section_new", team), {"title": "x", "body": "y"}
    )
    assert response.status_code == 403
    assert not GuidebookSection.objects.exists()


def test_it_checks_a_reply_live_with_positions_and_fixes(team, channel):
    reply_rule(
        team.workspace, "forbidden_words", {"words": [{"word": "垃圾", "replacement": "不好"}]}
    )

    response = team.browser("dave").post(
        _url("guidebook_lint_fragment", team),
        {"channel_id": channel.pk, "kind": "comment", "text": "真垃圾 {订单号}"},
    )
    invalid = team.browser("dave").post(
        _url("guidebook_lint_fragment", team), {"channel_id": "x", "kind": "dm", "text": ""}
    )
    foreign = team.browser("charlie").post(
        reverse("guidebook_lint_fragment", kwargs={"slug": team.other.slug}),
        {"channel_id": channel.pk, "kind": "dm", "text": "hi"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-kind="forbidden_words" data-severity="error" data-start="1" data-end="3"' in html
    assert "改为“不好”。" in html  # the UI speaks zh-hans
    assert 'data-kind="placeholder"' in html
    assert invalid.status_code == 422 and 'id="lint-invalid"' in invalid.content.decode()
    assert foreign.status_code == 404


def test_it_edits_the_guidebooks_rules_from_the_guidebook(team):
    bob = team.browser("bob")
    created = bob.post(
        _url("guidebook_rule_new", team),
        {
            "kind": "forbidden_words",
            "severity": "error",
            "scope": "replies",
            "reply_kinds": ["dm"],
            "words": "滚",
        },
    )
    rule = EditorialRule.objects.get()
    form = bob.get(_url("guidebook_rule_edit", team, rule_id=rule.pk))
    edited = bob.post(
        _url("guidebook_rule_edit", team, rule_id=rule.pk),
        {"kind": "custom", "severity": "warning", "scope": "both", "words": "滚\n闭嘴"},
    )
    toggled = bob.post(_url("guidebook_rule_toggle", team, rule_id=rule.pk))
    post_rule = EditorialRule.objects.create(workspace=team.workspace, kind="max_links")
    not_ours = bob.get(_url("guidebook_rule_edit", team, rule_id=post_rule.pk))

    assert created.status_code == 302, created.content.decode()
    assert form.status_code == 200
    assert (edited.status_code, toggled.status_code) == (302, 302)
    rule.refresh_from_db()
    assert (rule.kind, rule.scope, rule.severity, rule.reply_kinds) == (
        "forbidden_words",
        "both",
        "warning",
        [],
    )
    assert [w["word"] for w in rule.params["words"]] == ["滚", "闭嘴"]
    assert rule.enabled is False
    assert not_ours.status_code == 404
    assert bob.post(_url("guidebook_rule_delete", team, rule_id=rule.pk)).status_code == 302
    assert not EditorialRule.objects.filter(pk=rule.pk).exists()


def test_it_lists_and_changes_canned_replies(team):
    ensure_default_guidebook(team.workspace)
    listed = team.browser("dave").get(_url("canned_replies", team))
    bob = team.browser("bob")
    added = bob.post(
        _url("canned_reply_new", team),
        {"title": "节日", "body": "{昵称}节日快乐！", "shortcut": "fest", "kinds": ["comment"]},
    )
    reply = CannedReply.objects.get(title="节日")
    edited = bob.post(
        _url("canned_reply_edit", team, reply_id=reply.pk),
        {"title": "节日", "body": "节日快乐！", "purpose": "dm_invite"},
    )
    agent = team.browser("dave").post(_url("canned_reply_new", team), {"title": "x", "body": "y"})

    assert listed.status_code == 200
    assert "致歉并转私信" in listed.content.decode()
    assert _url("canned_reply_new", team) not in listed.content.decode()
    assert (added.status_code, edited.status_code, agent.status_code) == (302, 302, 403)
    reply.refresh_from_db()
    assert (reply.body, reply.purpose, reply.kinds) == ("节日快乐！", "dm_invite", [])
    assert bob.post(_url("canned_reply_delete", team, reply_id=reply.pk)).status_code == 302


def test_it_shows_the_guidebooks_refusal_on_the_canned_form(team):
    reply_rule(team.workspace, "forbidden_words", words("垃圾"))

    response = team.browser("bob").post(
        _url("canned_reply_new", team), {"title": "x", "body": "垃圾"}
    )

    assert response.status_code == 422
    assert "违禁词“垃圾”" in response.content.decode()
    assert not CannedReply.objects.exists()


def test_it_shows_and_saves_the_scope_on_the_content_rules_page(team):
    bob = team.browser("bob")
    bob.post(
        reverse("content_rule_new", kwargs={"slug": team.workspace.slug}),
        {"kind": "max_links", "severity": "warning", "max": "1", "scope": "both"},
    )
    rule = EditorialRule.objects.get()
    page = bob.get(reverse("content_rules", kwargs={"slug": team.workspace.slug}))
    bob.post(
        reverse("content_rule_edit", kwargs={"slug": team.workspace.slug, "rule_id": rule.pk}),
        {"kind": "max_links", "severity": "warning", "max": "2"},
    )

    assert 'data-scope="both"' in page.content.decode()
    rule.refresh_from_db()
    assert (rule.scope, rule.params) == ("both", {"max": 2})
