"""Best times to post, per account, by hour of the week, each with the reason it was chosen.

An account's own history decides once it has MIN_HISTORY measured posts: the engagement of each
published post (likes + reposts + comments of its latest metrics, as publishing.reports defines
it; as a share of its impressions when the platform reports them) averaged per local hour of the
week. A newer account blends what it has with the catalog's prior for its platform (PRIOR_WEIGHT
pseudo-posts per hour); an account with no measured post gets the prior alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from socialops.channels.models import Channel
from socialops.content.calendar import at_local, monday_of
from socialops.core.clock import now
from socialops.platforms import catalog
from socialops.platforms.catalog import BestHours

MIN_HISTORY = 10  # measured posts before the account's own history decides alone
PRIOR_WEIGHT = 3.0  # how many posts' worth the prior counts for in each hour while blending
OUTLIER_DAMPING = 1.0  # posts' worth of the account's average mixed into each hour's score
HISTORY_DAYS = 180
RATE_MAJORITY = 0.5  # use engagement rates when more than this share of posts has impressions

HISTORY = "history"
BLEND = "blend"
CATALOG = "catalog"
NONE = "none"

Hour = tuple[int, int]  # (weekday 0 = Monday, hour 0-23) in the workspace's zone


@dataclass(frozen=True)
class Sample:
    """One published post: when it went out and its latest numbers."""

    published_at: datetime
    engagement: int
    impressions: int | None = None


@dataclass(frozen=True)
class HourStat:
    posts: int
    average: float  # engagement per post, or percent of impressions when rates are used


@dataclass(frozen=True)
class Suggestion:
    weekday: int
    hour: int
    score: float  # relative, 1.0 is the best hour
    posts: int  # the account's own posts in this hour
    average: float | None  # their average engagement (percent when `rates`)
    next_at: datetime  # the next time this hour comes round (UTC)
    reason: str

    @property
    def label(self) -> str:
        return f"{WEEKDAYS_ABBR[self.weekday]} {self.hour:02d}:00"


@dataclass(frozen=True)
class BestTimes:
    source: str  # history, blend, catalog or none
    measured: int  # the account's measured posts
    rates: bool  # averages are engagement rates (percent of impressions)
    summary: str
    suggestions: list[Suggestion] = field(default_factory=list)


def hour_stats(samples: Iterable[Sample], zone: ZoneInfo) -> tuple[dict[Hour, HourStat], bool]:
    """Average engagement per local hour of the week; True when it is a rate of impressions."""
    samples = list(samples)
    with_impressions = [s for s in samples if s.impressions]
    rates = bool(samples) and len(with_impressions) > RATE_MAJORITY * len(samples)
    values: dict[Hour, list[float]] = defaultdict(list)
    for sample in with_impressions if rates else samples:
        local = sample.published_at.astimezone(zone)
        value = (
            100 * sample.engagement / sample.impressions
            if rates and sample.impressions
            else float(sample.engagement)
        )
        values[(local.weekday(), local.hour)].append(value)
    stats = {hour: HourStat(len(v), sum(v) / len(v)) for hour, v in values.items()}
    return stats, rates


def prior_scores(best_hours: BestHours, zone: ZoneInfo, week_of: datetime) -> dict[Hour, float]:
    """The catalog's weights for each local hour of the week, scaled so the best is 1.0.

    The catalog states hours in its own zone; each local hour is looked up there, in the week
    of ``week_of`` (so a daylight-saving zone maps the way it does that week).
    """
    source = ZoneInfo(best_hours.time_zone)
    monday = monday_of(week_of.astimezone(zone).date())
    raw: dict[Hour, float] = {}
    for weekday in range(7):
        for hour in range(24):
            there = at_local(monday + timedelta(days=weekday), time(hour), zone).astimezone(source)
            weights = best_hours.weekend if there.weekday() >= 5 else best_hours.weekday
            raw[(weekday, hour)] = float(weights[there.hour])
    top = max(raw.values()) or 1.0
    return {hour: weight / top for hour, weight in raw.items()}


def next_occurrence(weekday: int, hour: int, zone: ZoneInfo, after: datetime) -> datetime:
    local = after.astimezone(zone)
    days = (weekday - local.weekday()) % 7
    instant = at_local(local.date() + timedelta(days=days), time(hour), zone)
    if instant <= after:
        instant = at_local(local.date() + timedelta(days=days + 7), time(hour), zone)
    return instant


def _average_text(average: float, rates: bool) -> str:
    return f"{average:.1f}%" if rates else f"{average:.1f}"


def suggest(
    stats: Mapping[Hour, HourStat],
    prior: Mapping[Hour, float] | None,
    *,
    rates: bool,
    platform_name: str,
    zone: ZoneInfo,
    at: datetime,
    count: int = 5,
    min_history: int = MIN_HISTORY,
) -> BestTimes:
    """The ``count`` best hours with the reason for each; ties go to the soonest hour."""
    measured = sum(s.posts for s in stats.values())
    if measured >= min_history or (measured and not prior):
        source = HISTORY
    elif measured:
        source = BLEND
    elif prior:
        source = CATALOG
    else:
        return BestTimes(
            NONE, 0, rates, _("No history yet and no typical hours for this platform.")
        )
    overall = sum(s.average * s.posts for s in stats.values()) / measured if measured else 0.0
    scores: dict[Hour, float] = {}
    if source == HISTORY:
        for slot, own_stat in stats.items():
            scores[slot] = (own_stat.average * own_stat.posts + overall * OUTLIER_DAMPING) / (
                own_stat.posts + OUTLIER_DAMPING
            )
    else:
        assert prior is not None  # noqa: S101 - BLEND and CATALOG need it
        prior_mean = sum(prior.values()) / len(prior) or 1.0
        for slot, weight in prior.items():
            seen = stats.get(slot)
            own = (seen.average / overall if overall else 1.0) if seen else 0.0
            posts = seen.posts if seen else 0
            scores[slot] = (posts * own + PRIOR_WEIGHT * weight / prior_mean) / (
                posts + PRIOR_WEIGHT
            )
    top = max(scores.values()) or 1.0
    ranked = sorted(
        scores,
        key=lambda h: (-scores[h], next_occurrence(h[0], h[1], zone, at)),
    )[:count]
    suggestions = []
    for weekday, hour in ranked:
        stat = stats.get((weekday, hour))
        label = f"{WEEKDAYS_ABBR[weekday]} {hour:02d}:00"
        if stat is not None:
            reason = _(
                "based on %(measured)d of your posts: %(hour)s averaged %(average)s engagement "
                "(%(posts)d posts)"
            ) % {
                "measured": measured,
                "hour": label,
                "average": _average_text(stat.average, rates),
                "posts": stat.posts,
            }
            if source == BLEND:
                reason += " · " + _("blended with %(platform)s's typical peak hours") % {
                    "platform": platform_name
                }
        elif source == BLEND:
            reason = _(
                "%(platform)s's typical peak hour (catalog); only %(measured)d of your posts "
                "measured so far"
            ) % {"platform": platform_name, "measured": measured}
        else:
            reason = _(
                "new account: the platform's typical peak hours for %(platform)s (catalog)"
            ) % {"platform": platform_name}
        suggestions.append(
            Suggestion(
                weekday=weekday,
                hour=hour,
                score=round(scores[(weekday, hour)] / top, 3),
                posts=stat.posts if stat else 0,
                average=round(stat.average, 2) if stat else None,
                next_at=next_occurrence(weekday, hour, zone, at),
                reason=reason,
            )
        )
    summaries = {
        HISTORY: _("Based on %(measured)d of your measured posts.") % {"measured": measured},
        BLEND: _(
            "Based on %(measured)d of your posts, blended with %(platform)s's typical peak hours "
            "until %(needed)d are measured."
        )
        % {"measured": measured, "platform": platform_name, "needed": min_history},
        CATALOG: _("New account: the platform's typical peak hours for %(platform)s (catalog).")
        % {"platform": platform_name},
    }
    return BestTimes(source, measured, rates, summaries[source], suggestions)


def samples_of(channel: Channel, since: datetime) -> list[Sample]:
    """The account's published posts since ``since`` with their latest numbers.

    Engagement is defined as the tracking reports define it (publishing.reports), so the
    suggestions agree with the account's content report; reports' own hour-of-week summary
    gives counts only, and here engagement is a rate of impressions where they are known.
    """
    from socialops.publishing.models import Publication
    from socialops.publishing.reports import engagements_of, latest_snapshots

    rows = Publication.objects.filter(
        channel=channel,
        state=Publication.State.PUBLISHED,
        published_at__gte=since,
        published_at__isnull=False,
    ).values_list("pk", "published_at")
    published = {pk: at for pk, at in rows if at is not None}
    return [
        Sample(
            published_at=published[pid],
            engagement=engagements_of(snapshot),
            impressions=snapshot.impressions,
        )
        for pid, snapshot in latest_snapshots(published).items()
    ]


def best_times(
    channel: Channel, zone: ZoneInfo, *, count: int = 5, at: datetime | None = None
) -> BestTimes:
    """Suggestions for the account from its history, with the catalog's prior while it is new."""
    at = at or now()
    platform = catalog.get(channel.platform)
    stats, rates = hour_stats(samples_of(channel, at - timedelta(days=HISTORY_DAYS)), zone)
    prior = (
        prior_scores(platform.best_hours, zone, at)
        if platform is not None and platform.best_hours is not None
        else None
    )
    name = str(platform.name) if platform is not None else channel.platform
    return suggest(
        stats, prior, rates=rates, platform_name=name, zone=zone, at=at.astimezone(UTC), count=count
    )
