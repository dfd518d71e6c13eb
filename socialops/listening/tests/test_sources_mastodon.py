"""Mastodon hashtag timelines and streaming, played by respx from recorded response shapes."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from socialops.connectors.mastodon.tests.conftest import load
from socialops.listening import runner
from socialops.listening.models import Source, SourceKind
from socialops.listening.sources import Budget, Skip, mastodon

from .test_runner import FakePipeline

BASE = "https://mastodon.example"
TAG = f"{BASE}/api/v1/timelines/tag/acme"
STREAM = f"{BASE}/api/v1/streaming/hashtag"


def status(n: int, text: str = "") -> dict[str, Any]:
    """The recorded status entity with its own id and content."""
    row = copy.deepcopy(load("search_statuses")["statuses"][0])
    row["id"] = str(113526600000000000 + n)
    row["url"] = f"{BASE}/@dana/{row['id']}"
    if text:
        row["content"] = f"<p>{text}</p>"
    return row


def sid(n: int) -> str:
    return str(113526600000000000 + n)


def sse(*events: tuple[str, Any]) -> bytes:
    out = []
    for name, data in events:
        if name == ":":
            out.append(":thump\n\n")
        else:
            out.append(f"event: {name}\ndata: {json.dumps(data)}\n\n")
    return "".join(out).encode()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router


def source_for(team: Any, kind: str, **config: Any) -> Source:
    return Source.objects.create(
        workspace=team.workspace,
        name=kind,
        kind=kind,
        config={"instance": BASE, "hashtag": "acme", **config},
    )


def posts(items: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    return [(i, c) for i, c in items if not isinstance(i, Skip)]


def test_the_tag_timeline_is_read_oldest_first_and_resumes(team, api):
    route = api.get(TAG).mock(
        side_effect=[
            httpx.Response(200, json=[status(2, "second &amp; last"), status(1)]),
            httpx.Response(200, json=[status(3)]),
        ]
    )
    source = source_for(team, SourceKind.MASTODON_TAG)
    pipeline = FakePipeline()

    runner.run_source(source.pk, pipeline, budget=5)

    source.refresh_from_db()
    assert pipeline.stored == [[sid(1), sid(2)]] and source.cursor == sid(2)
    first = route.calls[0].request.url.params
    assert "min_id" not in first and first["limit"] == "40"

    runner.run_source(source.pk, pipeline, budget=5)
    assert route.calls[1].request.url.params["min_id"] == sid(2)
    assert pipeline.stored[-1] == [sid(3)]
    assert Source.objects.get(pk=source.pk).cursor == sid(3)


def test_a_status_becomes_an_incoming_post_with_plain_text(team, api):
    content = "a <b>bold</b> &amp; 示例品牌"
    api.get(TAG).mock(return_value=httpx.Response(200, json=[status(1, content)]))
    reader = mastodon.MastodonTagReader(Budget(5))
    [(post, cursor)] = posts(list(reader.read(source_for(team, SourceKind.MASTODON_TAG), "")))
    assert post.text == "a bold & 示例品牌" and post.platform == "mastodon"
    assert (post.remote_id, cursor, post.author_handle) == (sid(1), sid(1), "dana")
    assert post.url.endswith(sid(1)) and post.lang == "zh" and post.likes == 21


def test_an_instance_error_is_recorded_and_the_cursor_kept(team, api):
    api.get(TAG).mock(return_value=httpx.Response(503, json={"error": "down for maintenance"}))
    source = source_for(team, SourceKind.MASTODON_TAG)
    Source.objects.filter(pk=source.pk).update(cursor=sid(5))

    result = runner.run_source(source.pk, FakePipeline(), budget=5)

    source.refresh_from_db()
    assert source.state == Source.State.ERROR and source.cursor == sid(5)
    assert "503" in source.last_error and result.error


def test_the_stream_falls_back_to_polling_when_it_drops(team, api, monkeypatch):
    monkeypatch.setattr(mastodon, "RETRY_STREAM", 0.05)
    timeline = api.get(TAG).mock(
        side_effect=[
            httpx.Response(200, json=[]),  # caught up at the start
            httpx.Response(200, json=[status(3)]),  # posted while the stream was down
            httpx.Response(200, json=[]),
            httpx.Response(200, json=[]),
        ]
        + [httpx.Response(200, json=[])] * 200
    )
    stream = api.get(STREAM).mock(
        side_effect=[
            httpx.Response(
                200,
                content=sse(
                    (":", None), ("update", status(2)), ("update", status(1)), ("delete", sid(2))
                ),
            ),
        ]
        + [httpx.Response(200, content=sse((":", None)))] * 200
    )
    source = source_for(team, SourceKind.MASTODON_STREAM)
    reader = mastodon.MastodonStreamReader(Budget(0.6))

    items = list(reader.read(source, sid(1)))
    reader.close()

    assert [(p.remote_id, c) for p, c in posts(items)] == [(sid(2), sid(2)), (sid(3), sid(3))]
    assert reader.disconnects >= 1
    assert timeline.calls[0].request.url.params["min_id"] == sid(1)
    assert timeline.calls[1].request.url.params["min_id"] == sid(2)  # from the cursor
    assert stream.calls[0].request.url.params["tag"] == "acme"


def test_an_instance_that_refuses_streaming_is_polled(team, api, monkeypatch):
    monkeypatch.setattr(mastodon, "POLL_EVERY", 0.1)
    api.get(TAG).mock(
        side_effect=[httpx.Response(200, json=[status(1)])] + [httpx.Response(200, json=[])] * 50
    )
    stream = api.get(STREAM).mock(return_value=httpx.Response(401, json={"error": "auth"}))
    source = source_for(team, SourceKind.MASTODON_STREAM)
    pipeline = FakePipeline()

    result = runner.run_source(source.pk, pipeline, budget=0.5)

    assert stream.call_count == 1 and not result.error
    assert pipeline.stored == [[sid(1)]]


def test_a_mastodon_source_needs_an_instance_and_a_one_word_tag(team):
    bad = Source.objects.create(
        workspace=team.workspace, name="x", kind=SourceKind.MASTODON_TAG, config={"hashtag": "a"}
    )
    assert runner.run_source(bad.pk, FakePipeline(), budget=1).error.startswith("config:")
    spaced = source_for(team, SourceKind.MASTODON_TAG, hashtag="two words")
    assert "hashtag" in runner.run_source(spaced.pk, FakePipeline(), budget=1).error
