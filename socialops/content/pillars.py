"""Content pillars (内容构成) without the database: the defaults and the mix against targets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DRIFT_THRESHOLD = 10.0  # percentage points between actual and target share
DRIFT_MIN_POSTS = 10  # fewer tagged posts than this never warn: the sample is too small


@dataclass(frozen=True)
class DefaultPillar:
    name: str
    description: str
    colour: str
    target_share: int


DEFAULT_PILLARS = [
    DefaultPillar("公司与产品", "公司新闻、产品发布与功能介绍", "#0d6efd", 30),
    DefaultPillar("活动", "品牌活动、促销与福利", "#d63384", 20),
    DefaultPillar("行业", "行业动态、趋势与观点", "#6f42c1", 15),
    DefaultPillar("产品周边", "使用技巧、场景与相关知识", "#20c997", 15),
    DefaultPillar("用户兴趣", "受众关心的话题与互动", "#fd7e14", 10),
    DefaultPillar("生活方式", "品牌态度与生活方式内容", "#ffc107", 10),
]


@dataclass(frozen=True)
class PillarMix:
    pillar_id: int
    target: int  # percent
    count: int  # posts tagged with the pillar
    actual: float | None  # percent of all tagged posts; None while there are none
    difference: float | None  # actual - target, in percentage points
    drift: bool  # the difference is past the threshold on a large enough sample


def mix(
    targets: Mapping[int, int],
    counts: Mapping[int, int],
    *,
    threshold: float = DRIFT_THRESHOLD,
    min_posts: int = DRIFT_MIN_POSTS,
) -> list[PillarMix]:
    """Each pillar's actual share of the tagged posts against its target share.

    Pillars are listed in the order of `targets`, then any counted pillar without a target (an
    archived one, say) with a target of 0. Shares are of all counted posts.
    """
    total = sum(counts.values())
    ids = list(targets) + sorted(pid for pid in counts if pid not in targets)
    rows = []
    for pid in ids:
        target = targets.get(pid, 0)
        count = counts.get(pid, 0)
        raw = 100 * count / total - target if total else None
        actual = round(100 * count / total, 1) if total else None
        difference = round(raw, 1) if raw is not None else None
        drift = raw is not None and total >= min_posts and abs(raw) > threshold
        rows.append(PillarMix(pid, target, count, actual, difference, drift))
    return rows
