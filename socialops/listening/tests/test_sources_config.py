"""check_config: what the API stores for a source, or which field is wrong and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialops.inbox.tests.factories import sandbox_channel
from socialops.listening.models import SourceKind
from socialops.listening.sources import SourceError, check_config, is_streaming


def field_of(kind: str, config: Any, **options: Any) -> str:
    with pytest.raises(SourceError) as caught:
        check_config(kind, config, **options)
    return caught.value.field


def test_replay_paths_speed_and_directories(tmp_path: Path, settings: Any, tmp_path_factory):
    settings.LISTENING_REPLAY_DIRS = [tmp_path]
    (tmp_path / "a.jsonl").write_text("{}\n")
    outside = tmp_path_factory.mktemp("out") / "b.jsonl"
    outside.write_text("{}\n")

    assert check_config(SourceKind.REPLAY, {"path": "a.jsonl", "speed": "10"}) == {
        "path": "a.jsonl",
        "speed": 10.0,
    }
    assert field_of(SourceKind.REPLAY, {"path": str(outside)}) == "path"
    assert field_of(SourceKind.REPLAY, {"path": "../out/b.jsonl"}) == "path"
    assert field_of(SourceKind.REPLAY, {"path": "missing.jsonl"}) == "path"
    assert field_of(SourceKind.REPLAY, {}) == "path"
    for speed in (0, -1, "fast", True, float("inf")):
        assert field_of(SourceKind.REPLAY, {"path": "a.jsonl", "speed": speed}) == "speed"


def test_mastodon_needs_an_https_instance_and_a_word_tag():
    tag = SourceKind.MASTODON_TAG
    assert check_config(tag, {"instance": "https://mastodon.social", "hashtag": "#acme"}) == {
        "instance": "https://mastodon.social",
        "hashtag": "acme",
    }
    assert field_of(tag, {"instance": "http://x.example", "hashtag": "a"}) == "instance"
    assert field_of(tag, {"instance": "https://x.example/path", "hashtag": "a"}) == "instance"
    assert field_of(tag, {"instance": "https://x.example"}) == "hashtag"
    assert field_of(tag, {"instance": "https://x.example", "hashtag": "a b"}) == "hashtag"
    assert check_config(SourceKind.MASTODON_STREAM, {"instance": "https://x.example"}) == {
        "instance": "https://x.example"
    }


def test_jetstream_url_and_keywords():
    kind = SourceKind.JETSTREAM
    assert check_config(kind, {"keywords": ["Demo Brand", " "]}) == {"keywords": ["demo brand"]}
    assert field_of(kind, {"url": "https://example.com"}) == "url"
    assert field_of(kind, {"keywords": [1]}) == "keywords"
    assert field_of(kind, ["not", "an", "object"]) == "config"


def test_sandbox_and_search_need_a_channel(team):
    channel = sandbox_channel(team)
    assert check_config(SourceKind.SANDBOX, {}, channel=channel) == {"backfill_hours": 24.0}
    assert field_of(SourceKind.SANDBOX, {}) == "channel"
    assert field_of(SourceKind.SANDBOX, {"backfill_hours": "x"}, channel=channel) == (
        "backfill_hours"
    )
    assert check_config(SourceKind.SEARCH, {"backfill_hours": 2}, channel=channel) == {
        "backfill_hours": 2.0
    }
    assert field_of(SourceKind.SEARCH, {}) == "channel"
    assert field_of("nonsense", {}) == "kind"


def test_which_kinds_stream():
    assert is_streaming(SourceKind.JETSTREAM) and is_streaming(SourceKind.MASTODON_STREAM)
    assert not is_streaming(SourceKind.SANDBOX) and not is_streaming(SourceKind.MASTODON_TAG)


def test_a_relative_replay_path_is_looked_up_in_every_directory(tmp_path_factory, settings):
    first, second = tmp_path_factory.mktemp("one"), tmp_path_factory.mktemp("two")
    settings.LISTENING_REPLAY_DIRS = [first, second]
    (second / "b.jsonl").write_text("{}\n")
    assert check_config(SourceKind.REPLAY, {"path": "b.jsonl"}) == {"path": "b.jsonl"}
