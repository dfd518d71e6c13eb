"""`socialops publisher`: one pass with --once, its options explained in --help."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from socialops.cli import main
from socialops.core.clock import now
from socialops.publishing.models import Publication

from .factories import publication_of, sandbox_channel, sandbox_posts, scheduled_post


@pytest.mark.django_db(transaction=True)  # the command closes its database connection at exit
def test_it_publishes_what_is_due_in_one_pass(team):
    channel = sandbox_channel(team)
    post = scheduled_post(team, [channel], at=now())

    result = CliRunner().invoke(main, ["publisher", "--once", "--batch", "5"])

    assert result.exit_code == 0, result.output
    assert publication_of(post).state == Publication.State.PUBLISHED
    assert len(sandbox_posts(channel)) == 1


def test_it_explains_its_options():
    result = CliRunner().invoke(main, ["publisher", "--help"])

    assert result.exit_code == 0
    for option in ("--interval", "--once", "--batch", "--lease", "--concurrency"):
        assert option in result.output
    assert "--slow" not in result.output
