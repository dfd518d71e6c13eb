"""Bluesky: 300 graphemes and facets whose UTF-8 byte offsets slice out the right text."""

from __future__ import annotations

import pytest

from socialops.core.text import Facet, check, check_bluesky

# The example of atproto's lexicon guide, with its published offsets.
DOCS_EXAMPLE = (
    "✨ example mentioning @atproto.com to share the URL "
    "\U0001f468\u200d\u2764\ufe0f\u200d\U0001f468 https://en.wikipedia.org/wiki/CBOR."
)
LAUNCH_POST = "新品上市🎉 详情 https://example.com/新品 #新品发布 @xiaomi.bsky.social"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 25 bytes, 1 grapheme


def sliced(text: str, facet: Facet) -> str:
    return text.encode("utf-8")[facet.byte_start : facet.byte_end].decode("utf-8")


def test_it_matches_the_offsets_of_the_lexicon_guide() -> None:
    facets = check_bluesky(DOCS_EXAMPLE).facets
    assert [(f.kind, f.byte_start, f.byte_end, f.value) for f in facets] == [
        ("mention", 23, 35, "atproto.com"),
        ("link", 74, 108, "https://en.wikipedia.org/wiki/CBOR"),
    ]


def test_it_counts_bytes_of_chinese_and_emoji_before_a_facet() -> None:
    facets = check_bluesky(LAUNCH_POST).facets
    assert [(f.kind, f.byte_start, f.byte_end) for f in facets] == [
        ("link", 24, 50),  # 新品上市 12 bytes, 🎉 4, two spaces, 详情 6
        ("tag", 51, 64),
        ("mention", 65, 84),
    ]
    assert [sliced(LAUNCH_POST, f) for f in facets] == [
        "https://example.com/新品",
        "#新品发布",
        "@xiaomi.bsky.social",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#新品 #发布会", [("tag", "新品", "#新品"), ("tag", "发布会", "#发布会")]),
        ("#2024", []),  # all digits
        ("#2024年 好", [("tag", "2024年", "#2024年")]),
        ("#tag.", [("tag", "tag", "#tag")]),
        ("#新品，欢迎参加", [("tag", "新品", "#新品")]),
        ("＃全角", [("tag", "全角", "＃全角")]),
        ("#\ufe0f\u20e3 keycap", []),
        ("中文#不是", []),  # a tag follows a space
        ("#" + "字" * 64, [("tag", "字" * 64, "#" + "字" * 64)]),
        ("#" + "字" * 65, []),  # over 64 graphemes
        ("@alice.bsky.social.", [("mention", "alice.bsky.social", "@alice.bsky.social")]),
        ("(@carol.test)", [("mention", "carol.test", "@carol.test")]),
        ("@Alice.Bsky.Social", [("mention", "alice.bsky.social", "@Alice.Bsky.Social")]),
        ("@alice", []),  # a handle has a dot
        ("@alice.notarealtld", []),
        ("你好@alice.bsky.social", []),  # a mention follows a space or "("
        ("@alice.bsky.social你好", [("mention", "alice.bsky.social", "@alice.bsky.social")]),
        ("example.com", [("link", "https://example.com", "example.com")]),
        ("foo.notarealtld", []),
        ("see https://example.com/path,", [("link", "https://example.com/path", None)]),
        ("(see https://example.com/x)", [("link", "https://example.com/x", None)]),
        ("详见 https://example.com/活动，欢迎参加", [("link", "https://example.com/活动", None)]),
        ("访问https://example.com", []),  # a link follows a space or "("
        ("见 https://，", []),
        ("第一行\nexample.com/中文", [("link", "https://example.com/中文", "example.com/中文")]),
    ],
)
def test_it_detects_facets_as_the_official_client(
    text: str, expected: list[tuple[str, str, str | None]]
) -> None:
    facets = check_bluesky(text).facets
    assert [(f.kind, f.value, sliced(text, f)) for f in facets] == [
        (kind, value, written or value) for kind, value, written in expected
    ]


@pytest.mark.parametrize(
    ("text", "length", "over"),
    [
        ("字" * 300, 300, False),
        ("字" * 301, 301, True),
        ("字" * 299 + FAMILY, 300, False),
        ("a" * 299 + "é🇨🇳", 301, True),
        (FAMILY * 120, 120, False),  # 3000 bytes exactly
        (FAMILY * 121, 121, True),  # 3025 bytes: over maxLength though far under 300
    ],
)
def test_it_flags_posts_over_300_graphemes_or_3000_bytes(
    text: str, length: int, over: bool
) -> None:
    result = check("bluesky", text)
    assert (result.length, result.limit, result.over) == (length, 300, over)


def test_it_reports_facets_as_entities_with_character_offsets() -> None:
    result = check_bluesky(LAUNCH_POST)
    assert [
        (e.kind, e.start, e.end) for e in (*result.links, *result.topics, *result.mentions)
    ] == [
        ("link", 9, 31),
        ("topic", 32, 37),
        ("mention", 38, 57),
    ]


def test_it_builds_lexicon_facets() -> None:
    link, tag, mention = check_bluesky(LAUNCH_POST).facets
    assert link.to_lexicon() == {
        "index": {"byteStart": 24, "byteEnd": 50},
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/新品"}],
    }
    assert tag.to_lexicon()["features"] == [
        {"$type": "app.bsky.richtext.facet#tag", "tag": "新品发布"}
    ]
    assert mention.to_lexicon(did="did:plc:ewvi7nxzyoun6zhxrhs64oiz")["features"] == [
        {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:ewvi7nxzyoun6zhxrhs64oiz"}
    ]


def test_it_refuses_a_mention_facet_without_its_did() -> None:
    mention = check_bluesky(LAUNCH_POST).facets[-1]
    with pytest.raises(ValueError, match="xiaomi.bsky.social"):
        mention.to_lexicon()
