"""Jetstream against a real local websocket server playing recorded-shape messages."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from websockets.sync.server import ServerConnection, serve

from socialops.listening import runner
from socialops.listening.models import Source, SourceKind
from socialops.listening.sources import Budget, Skip, jetstream

from .test_runner import FakePipeline

DID = "did:plc:z72i7hdynmk6r22z27h6tvur"


def event(n: int, text: str = "", **overrides: Any) -> dict[str, Any]:
    """A Jetstream commit event as the service sends it."""
    message: dict[str, Any] = {
        "did": DID,
        "time_us": 1725911162329308 + n,
        "kind": "commit",
        "commit": {
            "rev": f"3l3qo2vutsw2{n}",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"3l3qo2vuowo2{n}",
            "record": {
                "$type": "app.bsky.feed.post",
                "createdAt": "2024-09-09T19:46:02.102Z",
                "langs": ["en"],
                "text": text or f"post {n}",
            },
            "cid": "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi",
        },
    }
    message.update(overrides)
    return message


class Jetstream:
    """Serves ``events`` from the requested cursor on; drops the first connection after
    ``drop_after`` messages; records the cursor of each connection."""

    def __init__(self, events: list[Any], *, drop_after: int | None = None) -> None:
        self.events = events
        self.drop_after = drop_after
        self.cursors: list[str | None] = []
        self.collections: list[list[str]] = []
        self.server = serve(self.handle, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/subscribe"

    def handle(self, connection: ServerConnection) -> None:
        assert connection.request is not None
        query = parse_qs(urlsplit(connection.request.path).query)
        cursor = query.get("cursor", [None])[0]
        self.cursors.append(cursor)
        self.collections.append(query.get("wantedCollections", []))
        first = len(self.cursors) == 1
        sent = 0
        for message in self.events:
            if cursor is not None and message.get("time_us", 0) < int(cursor):
                continue
            if first and self.drop_after is not None and sent == self.drop_after:
                connection.close()
                return
            connection.send(message if isinstance(message, str) else json.dumps(message))
            sent += 1
        try:
            connection.recv()  # keep it open, quiet, until the client leaves
        except Exception:  # noqa: S110 - the client closed: done
            pass

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def served() -> Iterator[list[Jetstream]]:
    servers: list[Jetstream] = []
    yield servers
    for server in servers:
        server.close()


def source_for(team: Any, url: str, **config: Any) -> Source:
    return Source.objects.create(
        workspace=team.workspace,
        name="bluesky",
        kind=SourceKind.JETSTREAM,
        config={"url": url, **config},
    )


def test_events_become_posts_with_their_cursor(team, served):
    delete = event(3) | {"commit": {"operation": "delete", "collection": "app.bsky.feed.post"}}
    server = Jetstream([event(1, "hello 示例品牌"), event(2), delete, "not json"])
    served.append(server)
    source = source_for(team, server.url)
    reader = jetstream.JetstreamReader(Budget(1.5))

    items = list(reader.read(source, ""))
    reader.close()

    posts = [(i, c) for i, c in items if not isinstance(i, Skip)]
    assert [p.text for p, _ in posts] == ["hello 示例品牌", "post 2"]
    post, cursor = posts[0]
    assert cursor == str(1725911162329309)
    assert post.platform == "bluesky" and post.lang == "en" and post.author_remote_id == DID
    assert post.url == f"https://bsky.app/profile/{DID}/post/3l3qo2vuowo21"
    assert post.remote_id == f"at://{DID}/app.bsky.feed.post/3l3qo2vuowo21"
    assert post.posted_at.isoformat() == "2024-09-09T19:46:02.102000+00:00"
    skips = [i for i, _ in items if isinstance(i, Skip) and i.counted]
    assert [s.reason for s in skips] == ["an unreadable Jetstream message"]
    assert server.collections == [["app.bsky.feed.post"]] and server.cursors == [None]


def test_a_dropped_connection_resumes_from_the_cursor(team, served):
    events = [event(n) for n in range(1, 6)]
    server = Jetstream(events, drop_after=2)
    served.append(server)
    source = source_for(team, server.url)
    pipeline = FakePipeline()

    result = runner.run_source(source.pk, pipeline, budget=3)

    source.refresh_from_db()
    stored = [p for batch in pipeline.stored for p in batch]
    # the reconnect asked for the events from the last one handled on: nothing lost
    assert server.cursors == [None, str(1725911162329308 + 2)]
    assert len(set(stored)) == 5 and not result.error
    assert source.cursor == str(1725911162329308 + 5) and source.state == Source.State.IDLE

    # the next run starts where this one stopped
    runner.run_source(source.pk, FakePipeline(), budget=1)
    assert server.cursors[-1] == str(1725911162329308 + 5)


def test_keywords_filter_before_the_pipeline(team, served):
    server = Jetstream([event(1, "Demo Brand rocks"), event(2, "unrelated")])
    served.append(server)
    source = source_for(team, server.url, keywords=["demo brand"])
    pipeline = FakePipeline()

    runner.run_source(source.pk, pipeline, budget=1.5)

    assert [p for batch in pipeline.stored for p in batch] == [
        f"at://{DID}/app.bsky.feed.post/3l3qo2vuowo21"
    ]
    assert Source.objects.get(pk=source.pk).cursor == str(1725911162329308 + 2)


def test_a_server_that_is_not_there_is_an_error_and_keeps_the_cursor(team, monkeypatch):
    monkeypatch.setattr(jetstream, "RECONNECT_WAIT", 0.01)
    source = source_for(team, "ws://127.0.0.1:9/subscribe")
    Source.objects.filter(pk=source.pk).update(cursor="1725911162329308")

    result = runner.run_source(source.pk, FakePipeline(), budget=5)

    source.refresh_from_db()
    assert result.error and source.state == Source.State.ERROR
    assert source.cursor == "1725911162329308"


def test_a_bad_url_is_a_config_error(team):
    source = source_for(team, "https://example.com/subscribe")
    result = runner.run_source(source.pk, FakePipeline(), budget=1)
    assert result.error.startswith("config:")
