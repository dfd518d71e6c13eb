"""`socialops listen replay`: a file through the pipeline, in memory or into a workspace."""

from __future__ import annotations

import json

from click.testing import CliRunner

from socialops.cli import main
from socialops.core.models import AuditEvent
from socialops.listening.models import ListeningQuery, Mention, MinuteCount, Source

POSTS = [
    {"id": "1", "time": "2012-05-29T10:44:08+08:00", "text": "小米手机真好"},
    {"id": "2", "time": "2012-05-29T10:45:08+08:00", "text": "华为和小米"},
    {"id": "3", "time": "2012-05-29T10:46:08+08:00", "text": "今天天气"},
]


def files(tmp_path, queries: str) -> tuple[str, str]:
    stream = tmp_path / "stream.jsonl"
    lines = [json.dumps(post, ensure_ascii=False) for post in POSTS] + ["{broken"]
    stream.write_text("\n".join(lines) + "\n", encoding="utf-8")
    query_file = tmp_path / "queries.txt"
    query_file.write_text(queries, encoding="utf-8")
    return str(stream), str(query_file)


def test_it_replays_in_memory_and_prints_counts_per_query(tmp_path):
    stream, queries = files(tmp_path, "# brands\n小米\n\n华为 OR 荣耀\n天气 -今天\n")

    result = CliRunner().invoke(
        main, ["listen", "replay", stream, "--queries", queries, "--no-classify"]
    )

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "broken lines: 1" in lines
    assert any(line.startswith("  line 4:") for line in lines)
    counts = [line.split() for line in lines[-3:]]
    assert counts == [["2", "小米"], ["1", "华为", "OR", "荣耀"], ["0", "天气", "-今天"]]


def test_it_names_the_line_of_a_bad_query(tmp_path):
    stream, queries = files(tmp_path, "小米\n\n(华为 OR\n")

    result = CliRunner().invoke(main, ["listen", "replay", stream, "--queries", queries])

    assert result.exit_code == 1
    assert f"{queries}:3:" in result.output
    assert "^" in result.output.splitlines()[-1]


def test_it_stores_into_a_workspace(tmp_path, team):
    stream, queries = files(tmp_path, "小米\n华为\n")

    result = CliRunner().invoke(
        main,
        ["listen", "replay", stream, "--queries", queries, "--workspace", "acme", "--limit", "3"],
    )

    assert result.exit_code == 0, result.output
    names = set(
        ListeningQuery.objects.filter(workspace=team.workspace).values_list("name", flat=True)
    )
    assert names == {"replay:1", "replay:2"}
    assert set(Mention.objects.values_list("remote_id", flat=True)) == {"1", "2"}
    assert sum(MinuteCount.objects.values_list("total", flat=True)) == 3
    source = Source.objects.get(workspace=team.workspace)
    assert (source.read_total, source.cursor) == (3, "3")
    assert AuditEvent.objects.filter(action="listening.query_created").count() == 2


def test_it_refuses_an_unknown_workspace(tmp_path, db):
    stream, queries = files(tmp_path, "小米\n")
    result = CliRunner().invoke(
        main, ["listen", "replay", stream, "--queries", queries, "--workspace", "nope"]
    )
    assert result.exit_code == 1 and "nope" in result.output
