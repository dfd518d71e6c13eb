"""The database store: insert-or-ignore mentions, upserted minute counts, a bounded sample."""

from __future__ import annotations

from datetime import UTC, datetime

from socialops.listening.incoming import IncomingPost
from socialops.listening.models import ListeningQuery, Mention, MinuteCount, SamplePost
from socialops.listening.store import Batch, DatabaseStore, NewMention

T0 = datetime(2026, 11, 26, 8, 0, 30, tzinfo=UTC)


def new(workspace_id: int, query_id: int, remote_id: str) -> NewMention:
    post = IncomingPost(platform="weibo", remote_id=remote_id, text="小米", posted_at=T0)
    return NewMention(
        workspace_id=workspace_id,
        source_id=None,
        post=post,
        matches=[(query_id, ((0, 2),))],
        cluster="c",
        classification=None,
    )


def test_it_stores_a_post_once_and_counts_only_what_it_stored(team):
    brand = ListeningQuery.objects.create(workspace=team.workspace, name="b", text="小米")
    store = DatabaseStore()
    ws = team.workspace.pk

    first = store.write(Batch(new=[new(ws, brand.pk, "1"), new(ws, brand.pk, "2")]))
    again = store.write(Batch(new=[new(ws, brand.pk, "2"), new(ws, brand.pk, "3")]))

    assert [item.post.remote_id for item in first.stored] == ["1", "2"]
    assert [item.post.remote_id for item in again.stored] == ["3"]
    assert Mention.objects.count() == 3
    row = MinuteCount.objects.get(query=brand)
    assert (row.minute, row.total) == (T0.replace(second=0), 3)


def test_it_prunes_the_sample_to_the_newest(team):
    store = DatabaseStore(sample_keep=3)
    posts: list[tuple[int, int | None, IncomingPost]] = [
        (team.workspace.pk, None, IncomingPost("weibo", str(n), f"帖子{n}", T0)) for n in range(5)
    ]
    store.write(Batch(samples=posts))

    assert store.prune_samples() == 2
    assert sorted(SamplePost.objects.values_list("remote_id", flat=True)) == ["2", "3", "4"]
