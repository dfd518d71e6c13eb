"""The demo workspace's posts: every stage of the flow, and the due ones really publish."""

from __future__ import annotations

from collections import Counter

from socialops.channels.demo import load_demo_channels
from socialops.conftest import Team
from socialops.content.demo import load_demo_pillars
from socialops.content.demo_posts import load_demo_posts
from socialops.content.models import EditorialRule, Post
from socialops.publishing.engine import run_once
from socialops.publishing.models import Publication


def test_it_loads_posts_in_every_stage_once(team: Team) -> None:
    load_demo_channels(team.workspace)
    load_demo_pillars(team.workspace)

    made = load_demo_posts(team.workspace)

    states = Counter(Post.objects.filter(workspace=team.workspace).values_list("state", flat=True))
    assert made == sum(states.values()) == 9
    assert states == {"idea": 2, "draft": 1, "in_review": 1, "scheduled": 5}
    assert EditorialRule.objects.filter(workspace=team.workspace).count() == 2
    assert not Post.objects.filter(workspace=team.workspace, pillar=None).exists()
    assert load_demo_posts(team.workspace) == 0


def test_it_publishes_the_posts_due_now_through_the_engine(team: Team) -> None:
    load_demo_channels(team.workspace)
    load_demo_pillars(team.workspace)
    load_demo_posts(team.workspace)

    while run_once(worker="demo-test"):
        pass

    assert Publication.objects.filter(state="published").count() == 4
    states = Counter(Post.objects.filter(workspace=team.workspace).values_list("state", flat=True))
    assert states["published"] == 3 and states["scheduled"] == 2
    assert all(p.url for p in Publication.objects.filter(state="published"))
