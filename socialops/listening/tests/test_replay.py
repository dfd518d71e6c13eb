"""Reading a JSONL replay file: plain or gzip, broken lines reported with their numbers."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta

import time_machine

from socialops.listening.incoming import IncomingPost
from socialops.listening.replay import ReplayError, read_jsonl

LINES = [
    json.dumps(
        {
            "id": "a1",
            "time": "2012-05-29T10:44:08+08:00",
            "text": "小米手机",
            "author": {"uid": "42", "name": "张三", "followers": 10, "verified": True},
        },
        ensure_ascii=False,
    ),
    "{not json",
    json.dumps({"text": "no time, no id", "author": "bob", "platform": "weibo"}),
    "",
    json.dumps({"id": 3, "time": "2012-05-29T10:44:08", "text": ""}),
    json.dumps({"time": "2012-05-29T10:44:08", "text": "naive time", "uid": "77", "lang": "en"}),
]


def test_it_reads_posts_and_reports_broken_lines(tmp_path):
    path = tmp_path / "stream.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")

    with time_machine.travel(datetime(2026, 11, 26, 8, 0, tzinfo=UTC), tick=False):
        items = list(read_jsonl(path))

    assert [cursor for _, cursor in items] == [1, 2, 3, 5, 6]
    first, broken, third, empty, last = (item for item, _ in items)
    assert isinstance(first, IncomingPost)
    assert first.remote_id == "a1" and first.platform == "replay"
    assert first.posted_at == datetime(2012, 5, 29, 2, 44, 8, tzinfo=UTC)
    assert first.posted_at.utcoffset() == timedelta(hours=8)
    assert (first.author_remote_id, first.author_name, first.author_followers) == ("42", "张三", 10)
    assert first.author_verified
    assert isinstance(broken, ReplayError)
    assert broken.line == 2 and "JSON" in broken.reason
    assert isinstance(third, IncomingPost)
    assert (third.remote_id, third.author_handle, third.platform) == ("3", "bob", "weibo")
    assert third.posted_at == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert isinstance(empty, ReplayError) and empty.line == 5
    assert isinstance(last, IncomingPost)
    assert last.posted_at.tzinfo is not None and last.posted_at.utcoffset() == timedelta(0)
    assert (last.remote_id, last.author_remote_id, last.lang) == ("6", "77", "en")


def test_it_reads_gzip_and_resumes_from_a_cursor(tmp_path):
    path = tmp_path / "stream.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for n in range(5):
            handle.write(json.dumps({"id": n, "text": f"post {n}", "time": "2020-01-01T00:00:00Z"}))
            handle.write("\n")

    resumed = list(read_jsonl(path, start=3))

    posts = [item for item, _ in resumed if isinstance(item, IncomingPost)]
    assert [(post.remote_id, cursor) for post, (_, cursor) in zip(posts, resumed, strict=True)] == [
        ("3", 4),
        ("4", 5),
    ]
    assert posts[0].posted_at.utcoffset() == timedelta(0)


def test_it_reports_a_bad_time_and_a_non_object(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x", "time": "yesterday"}\n[1, 2]\n', encoding="utf-8")

    items = [item for item, _ in read_jsonl(path)]

    assert all(isinstance(item, ReplayError) for item in items)
    assert [item.line for item in items if isinstance(item, ReplayError)] == [1, 2]
