"""mix(): each pillar's actual share of tagged posts against its target, with drift warnings."""

from __future__ import annotations

import pytest

from socialops.content.pillars import DEFAULT_PILLARS, PillarMix, mix


def test_it_suggests_defaults_that_add_up_to_100():
    assert sum(d.target_share for d in DEFAULT_PILLARS) == 100
    assert [d.name for d in DEFAULT_PILLARS][:2] == ["公司与产品", "活动"]


def test_it_gives_no_shares_before_any_post_is_tagged():
    assert mix({1: 60, 2: 40}, {}) == [
        PillarMix(1, 60, 0, None, None, False),
        PillarMix(2, 40, 0, None, None, False),
    ]


@pytest.mark.parametrize(
    ("targets", "counts", "want"),
    [
        # on target: no drift
        ({1: 50, 2: 50}, {1: 10, 2: 10}, [(1, 50.0, 0.0, False), (2, 50.0, 0.0, False)]),
        # 30 points off on 20 posts: both drift
        ({1: 50, 2: 50}, {1: 16, 2: 4}, [(1, 80.0, 30.0, True), (2, 20.0, -30.0, True)]),
        # exactly 10 points off is not past the threshold
        ({1: 50, 2: 50}, {1: 12, 2: 8}, [(1, 60.0, 10.0, False), (2, 40.0, -10.0, False)]),
        # 11 points off is
        ({1: 39, 2: 61}, {1: 50, 2: 50}, [(1, 50.0, 11.0, True), (2, 50.0, -11.0, True)]),
        # far off but only 4 posts: too small a sample to warn
        ({1: 50, 2: 50}, {1: 4}, [(1, 100.0, 50.0, False), (2, 0.0, -50.0, False)]),
        # a counted pillar without a target (archived) comes last with a target of 0
        ({1: 100}, {1: 15, 7: 5}, [(1, 75.0, -25.0, True), (7, 25.0, 25.0, True)]),
        # thirds are rounded to one decimal
        (
            {1: 33, 2: 33, 3: 34},
            {1: 4, 2: 4, 3: 4},
            [(1, 33.3, 0.3, False), (2, 33.3, 0.3, False), (3, 33.3, -0.7, False)],
        ),  # noqa: E501
    ],
)
def test_it_compares_actual_shares_with_targets(targets, counts, want):
    got = [(row.pillar_id, row.actual, row.difference, row.drift) for row in mix(targets, counts)]
    assert got == want


def test_it_takes_its_threshold_and_sample_size():
    rows = mix({1: 50, 2: 50}, {1: 3, 2: 1}, threshold=20, min_posts=4)
    assert [(r.count, r.drift) for r in rows] == [(3, True), (1, True)]
    assert not any(r.drift for r in mix({1: 50, 2: 50}, {1: 3, 2: 1}, threshold=30, min_posts=4))
