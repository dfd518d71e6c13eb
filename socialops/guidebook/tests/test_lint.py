"""lint_reply: the reply rules (scope, kinds, platforms), placeholders and platform length."""

from __future__ import annotations

from socialops.content.queries import lint_for
from socialops.guidebook.lint import lint_reply

from .conftest import reply_rule, words


def test_it_finds_a_forbidden_word_through_variants_with_its_position(team):
    reply_rule(team.workspace, "forbidden_words", words("垃圾"))
    text = "您好，这不是垃 圾产品"

    findings = lint_reply(team.workspace, platform="weibo", kind="comment", text=text)

    assert [(f.kind, f.severity, f.matched) for f in findings] == [
        ("forbidden_words", "error", "垃 圾")
    ]
    assert text[findings[0].start : findings[0].end] == "垃 圾"
    assert findings[0].fixed_text == "您好，这不是产品"


def test_it_uses_only_rules_for_replies_and_both(team):
    reply_rule(team.workspace, "forbidden_words", words("回复词"))
    reply_rule(team.workspace, "forbidden_words", words("共用词"), scope="both")
    reply_rule(team.workspace, "forbidden_words", words("发布词"), scope="posts")
    reply_rule(team.workspace, "forbidden_words", words("关闭词"), enabled=False)

    findings = lint_reply(
        team.workspace, platform="weibo", kind="dm", text="回复词 共用词 发布词 关闭词"
    )

    assert [f.matched for f in findings] == ["回复词", "共用词"]


def test_it_applies_a_rule_only_to_its_reply_kinds_and_platforms(team):
    reply_rule(
        team.workspace,
        "custom",
        {"pattern": r"1[3-9]\d{9}", "message": "No phone numbers in public."},
        reply_kinds=["comment", "mention"],
    )
    reply_rule(team.workspace, "forbidden_words", words("微信"), applies_to=["weibo"])
    text = "请拨打 13812345678 或加微信"

    comment = lint_reply(team.workspace, platform="weibo", kind="comment", text=text)
    dm = lint_reply(team.workspace, platform="weibo", kind="dm", text=text)
    on_x = lint_reply(team.workspace, platform="x", kind="dm", text=text)

    assert [f.matched for f in comment] == ["13812345678", "微信"]
    assert comment[0].message == "No phone numbers in public."
    assert [f.matched for f in dm] == ["微信"]
    assert on_x == []


def test_it_blocks_an_unfilled_placeholder(team):
    text = "您好，您的订单 {订单号} 正在处理，{nickname}"

    findings = lint_reply(team.workspace, platform="weibo", kind="dm", text=text)

    assert [(f.kind, f.severity, f.matched) for f in findings] == [
        ("placeholder", "error", "{订单号}"),
        ("placeholder", "error", "{nickname}"),
    ]
    assert text[findings[0].start : findings[0].end] == "{订单号}"
    assert "placeholder" in findings[0].message


def test_it_holds_a_reply_to_the_platforms_length(team):
    fits = "好" * 140
    too_long = "好" * 145

    assert lint_reply(team.workspace, platform="weibo", kind="comment", text=fits) == []
    [finding] = lint_reply(team.workspace, platform="weibo", kind="comment", text=too_long)

    assert (finding.kind, finding.severity, finding.start, finding.end) == (
        "max_length",
        "error",
        140,
        145,
    )
    assert "145 of 140" in finding.message
    assert finding.fix == "Shorten by 5 characters."


def test_it_counts_an_explicit_reply_limit_and_skips_the_platform_default_rule(team):
    reply_rule(team.workspace, "max_length", {"limit": 10}, severity="warning")
    reply_rule(team.workspace, "max_length", {"limit": None})

    findings = lint_reply(team.workspace, platform="weibo", kind="dm", text="好" * 12)
    wechat = lint_reply(team.workspace, platform="wechat", kind="dm", text="好" * 12)

    assert [(f.severity, f.start) for f in findings] == [("warning", 10)]
    assert [(f.severity, f.start) for f in wechat] == [("warning", 10)]


def test_it_checks_links_and_domains(team):
    reply_rule(team.workspace, "max_links", {"max": 0}, severity="warning")
    reply_rule(team.workspace, "link_domains", {"allow": ["acme.com"]})
    text = "详情见 https://evil.com/x"

    findings = lint_reply(team.workspace, platform="mastodon", kind="comment", text=text)

    assert sorted(f.kind for f in findings) == ["link_domains", "max_links"]
    assert {f.matched for f in findings} == {"https://evil.com/x"}


def test_it_words_a_required_phrase_for_replies(team):
    reply_rule(
        team.workspace,
        "required_disclosure",
        {"any_of": ["您好", "你好"], "when": "always"},
        reply_kinds=["dm"],
    )

    [finding] = lint_reply(team.workspace, platform="weibo", kind="dm", text="订单已发货")
    greeted = lint_reply(team.workspace, platform="weibo", kind="dm", text="您好，订单已发货")

    assert finding.message == "A reply must include one of: 您好 / 你好."
    assert finding.fixed_text == "订单已发货 您好"
    assert greeted == []


def test_it_keeps_reply_rules_out_of_post_linting(team):
    reply_rule(team.workspace, "forbidden_words", words("回复词"))
    reply_rule(team.workspace, "forbidden_words", words("共用词"), scope="both")
    reply_rule(team.workspace, "forbidden_words", words("发布词"), scope="posts")

    findings = lint_for(team.workspace, "发布词 共用词 回复词", platform="weibo")

    assert [f.matched for f in findings] == ["发布词", "共用词"]
