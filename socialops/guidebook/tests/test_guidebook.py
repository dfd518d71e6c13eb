"""The guidebook's sections, the draft for new workspaces, its history and its markup."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from socialops.accounts.queries import AccessDenied
from socialops.content.models import EditorialRule
from socialops.core.models import AuditEvent
from socialops.guidebook import actions, defaults, queries
from socialops.guidebook.actions import canned_problems, ensure_default_guidebook
from socialops.guidebook.lint import lint_reply
from socialops.guidebook.markup import render
from socialops.guidebook.models import CannedReply, GuidebookSection, Section


def test_it_gives_a_new_workspace_a_chinese_draft_once(team):
    assert ensure_default_guidebook(team.workspace) is True
    assert ensure_default_guidebook(team.workspace) is False

    sections = list(queries.sections(team.workspace))
    assert [s.key for s in sections] == [
        "language",
        "forbidden",
        "dm",
        "repost_comment",
        "follow",
        "response_time",
    ]
    assert sections[1].title == "互动禁区"
    assert all(len(s.body) > 100 for s in sections)
    assert CannedReply.objects.filter(workspace=team.workspace).count() == len(defaults.CANNED)
    assert CannedReply.objects.filter(purpose="dm_invite").exists()
    rules = EditorialRule.objects.filter(workspace=team.workspace)
    assert {r.scope for r in rules} == {"replies"}
    assert not GuidebookSection.objects.filter(workspace=team.other).exists()
    assert AuditEvent.objects.filter(action="guidebook.defaults_added").count() == 1


def test_it_writes_a_draft_whose_canned_replies_pass_its_own_rules(team):
    ensure_default_guidebook(team.workspace)

    for reply in CannedReply.objects.filter(workspace=team.workspace):
        assert canned_problems(team.workspace, reply.body, reply.kinds) == [], reply.title


def test_it_enforces_the_drafts_rules_on_replies(team):
    ensure_default_guidebook(team.workspace)

    public = lint_reply(team.workspace, platform="weibo", kind="comment", text="请拨打13812345678")
    private = lint_reply(team.workspace, platform="weibo", kind="dm", text="请拨打13812345678")
    rude = lint_reply(team.workspace, platform="weibo", kind="dm", text="你是不是脑残")

    assert [(f.kind, f.severity) for f in public] == [("custom", "error")]
    assert private == []
    assert [f.matched for f in rude] == ["脑残"]


def test_it_fills_in_missing_standard_sections_but_keeps_edited_ones(team):
    ensure_default_guidebook(team.workspace)
    language = GuidebookSection.objects.get(workspace=team.workspace, key="language")
    actions.save_section(access=team.access("bob"), section=language, title="语言", body="我们的话")
    GuidebookSection.objects.filter(key="follow").delete()

    assert ensure_default_guidebook(team.workspace) is True

    language.refresh_from_db()
    assert (language.title, language.body) == ("语言", "我们的话")
    assert GuidebookSection.objects.filter(workspace=team.workspace, key="follow").exists()


def test_it_adds_edits_and_deletes_a_section_with_history(team):
    bob = team.access("bob")
    added = actions.save_section(access=bob, title=" 危机 流程 ", body="- 上报主管\r\n- 统一口径")
    actions.save_section(access=bob, section=added, title="危机流程", body="- 上报主管")
    actions.save_section(access=bob, section=added, title="危机流程", body="- 上报主管")  # no-op
    actions.delete_section(access=bob, section=added)

    history = list(queries.history(team.workspace))
    assert [e.action for e in history] == [
        "guidebook.section_deleted",
        "guidebook.section_updated",
        "guidebook.section_created",
    ]
    assert (history[1].before or {})["body"] == "- 上报主管\n- 统一口径"
    assert history[1].after == {
        "key": "custom",
        "title": "危机流程",
        "body": "- 上报主管",
        "position": 0,
    }
    assert (history[2].after or {})["title"] == "危机 流程"


def test_it_keeps_standard_sections_and_checks_input(team):
    ensure_default_guidebook(team.workspace)
    dm = GuidebookSection.objects.get(workspace=team.workspace, key="dm")

    with pytest.raises(ValidationError):
        actions.delete_section(access=team.access("bob"), section=dm)
    with pytest.raises(ValidationError) as caught:
        actions.save_section(access=team.access("bob"), section=dm, title="", body="x" * 20_001)
    assert set(caught.value.message_dict) == {"title", "body"}
    with pytest.raises(AccessDenied):
        actions.save_section(access=team.access("dave"), title="x", body="y")


def test_it_replaces_the_whole_guidebook_in_one_audited_change(team):
    ensure_default_guidebook(team.workspace)
    actions.save_section(access=team.access("bob"), title="旧的", body="将被删除")
    dm = GuidebookSection.objects.get(workspace=team.workspace, key="dm")

    rows = actions.replace_sections(
        access=team.access("bob"),
        sections=[
            {"key": "dm", "title": "私信", "body": "先问候"},
            {"key": "custom", "title": "节日", "body": "节日问候"},
        ],
    )

    assert [(r.key, r.title, r.position) for r in rows] == [
        ("dm", "私信", 0),
        ("custom", "节日", 1),
    ]
    assert rows[0].pk == dm.pk
    assert GuidebookSection.objects.filter(workspace=team.workspace).count() == 2
    [event] = AuditEvent.objects.filter(action="guidebook.updated")
    assert len((event.before or {})["sections"]) == 7
    assert (event.after or {})["sections"][0]["body"] == "先问候"


def test_it_refuses_a_standard_section_twice_and_writes_nothing(team):
    ensure_default_guidebook(team.workspace)
    before = list(GuidebookSection.objects.values_list("pk", "body"))

    with pytest.raises(ValidationError) as caught:
        actions.replace_sections(
            access=team.access("bob"),
            sections=[
                {"key": "dm", "title": "A", "body": ""},
                {"key": "dm", "title": "B", "body": ""},
                {"key": "nope", "title": "", "body": ""},
            ],
        )

    assert set(caught.value.message_dict) == {
        "sections.1.key",
        "sections.2.key",
        "sections.2.title",
    }
    assert list(GuidebookSection.objects.values_list("pk", "body")) == before


def test_it_renders_markup_safely():
    html = render(
        "## 原则\n先**道歉**，再解决 <script>alert(1)</script>\n第二行\n\n"
        "- 见 https://acme.com/a?b=1&c=2\n- [x](javascript:alert(1))\n1. 第一步"
    )

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<h3>原则</h3>" in html
    assert "<strong>道歉</strong>" in html
    assert "再解决 &lt;script&gt;alert(1)&lt;/script&gt;<br>第二行" in html
    assert '<a href="https://acme.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">' in html
    assert 'href="javascript' not in html
    assert "<ol><li>第一步</li></ol>" in html
    assert str(Section.RESPONSE_TIME.label) == "Response times"
