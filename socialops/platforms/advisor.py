"""Platform-fit advisor: a brief in, platforms ranked with reasons and an account matrix out.

Deterministic and explained entirely by the catalog: every point a platform gets comes from one
factor below, and each factor leaves a reason (matched, partly matched, missed or neutral).

1. Score each platform that is not retired on the factors, out of FACTOR_MAX points each.
2. Rank by score (ties by catalog order); those at RECOMMEND_AT or above are recommended.
3. Size the matrix: a brand account on each recommended platform in rank order while the team's
   hours allow (the catalog's hours_per_account), then a support and a product account where
   the goals ask for them and hours remain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, TypeVar

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialops.platforms.catalog import (
    AccountRole,
    AgeBand,
    CityTier,
    Gender,
    Goal,
    Industry,
    Model,
    Platform,
    Status,
    Strength,
    Text,
    catalog,
)
from socialops.platforms.labels import label

RECOMMEND_AT = 55.0
MAX_BRAND_ACCOUNTS = 5
FACTOR_MAX = {
    "model": 15.0,
    "industry": 10.0,
    "age": 15.0,
    "gender": 5.0,
    "cities": 20.0,
    "goals": 20.0,
    "content": 15.0,
    "publishing": 2.0,
}
MANUAL_PENALTY = -3.0


@dataclass(frozen=True)
class Brief:
    industry: Industry
    model: Model
    age_bands: frozenset[AgeBand]
    gender: Gender
    city_tiers: frozenset[CityTier]
    goals: frozenset[Goal]
    team_hours: int
    strengths: frozenset[Strength]


Verdict = Literal["match", "partial", "miss", "neutral"]


@dataclass(frozen=True)
class Reason:
    factor: str
    points: float
    max_points: float
    verdict: Verdict
    text: Text


@dataclass(frozen=True)
class Ranked:
    platform: Platform
    score: float
    reasons: list[Reason]
    recommended: bool


@dataclass(frozen=True)
class Excluded:
    platform: Platform
    reason: Text


@dataclass(frozen=True)
class Account:
    platform: Platform
    role: AccountRole
    hours: int
    reason: Text


@dataclass(frozen=True)
class NotFitted:
    platform: Platform
    hours_needed: int
    reason: Text


@dataclass
class Matrix:
    team_hours: int
    accounts: list[Account] = field(default_factory=list)
    not_fitted: list[NotFitted] = field(default_factory=list)

    @property
    def hours_used(self) -> int:
        return sum(account.hours for account in self.accounts)

    @property
    def hours_left(self) -> int:
        return self.team_hours - self.hours_used


@dataclass(frozen=True)
class Advice:
    catalog_version: str
    ranking: list[Ranked]
    excluded: list[Excluded]
    matrix: Matrix


def advise(brief: Brief) -> Advice:
    excluded = [
        Excluded(
            platform,
            _both_format(
                _("Retired on %(date)s: the service has closed."), date=platform.retired_on
            ),
        )
        for platform in catalog().platform
        if platform.is_retired
    ]
    scored = [_score(platform, brief) for platform in catalog().platform if not platform.is_retired]
    ranking = sorted(scored, key=lambda ranked: -ranked.score)  # stable: catalog order on ties
    return Advice(catalog().version, ranking, excluded, _matrix(ranking, brief))


# -- scoring -----------------------------------------------------------------------------------


def _score(platform: Platform, brief: Brief) -> Ranked:
    reasons = [
        _model(platform, brief),
        _industry(platform, brief),
        _age(platform, brief),
        _gender(platform, brief),
        _cities(platform, brief),
        _goals(platform, brief),
        _content(platform, brief),
        _publishing(platform),
    ]
    score = round(min(100.0, max(0.0, sum(reason.points for reason in reasons))), 1)
    return Ranked(platform, score, reasons, recommended=score >= RECOMMEND_AT)


def _reason(factor: str, points: float, text: Text, verdict: Verdict | None = None) -> Reason:
    top = FACTOR_MAX[factor]
    if verdict is None:
        share = points / top
        verdict = "match" if share >= 0.6 else "miss" if share <= 0.3 else "partial"
    return Reason(factor, round(points, 1), top, verdict, text)


def _model(platform: Platform, brief: Brief) -> Reason:
    ratings = {Model.B2B: platform.fit.b2b, Model.B2C: platform.fit.b2c}
    rating = (
        (platform.fit.b2b + platform.fit.b2c) / 2
        if brief.model == Model.BOTH
        else ratings[brief.model]
    )
    text = _both(
        lambda: (
            _("Rated %(rating)s/5 for %(model)s brands.")
            % {"rating": _number(rating), "model": label(brief.model)}
        )
    )
    return _reason("model", rating / 5 * FACTOR_MAX["model"], text)


def _industry(platform: Platform, brief: Brief) -> Reason:
    top = FACTOR_MAX["industry"]
    if brief.industry in platform.fit.industries.strong:
        message, points, verdict = _("A strong fit for %(industry)s."), top, "match"
    elif brief.industry in platform.fit.industries.weak:
        message, points, verdict = _("A weak fit for %(industry)s."), -top, "miss"
    else:
        message, points, verdict = _("Neither strong nor weak for %(industry)s."), 0.0, "neutral"
    text = _both(lambda: str(message) % {"industry": label(brief.industry)})
    return _reason("industry", points, text, verdict)  # type: ignore[arg-type]


def _age(platform: Platform, brief: Brief) -> Reason:
    share = sum(platform.audience.age[band] for band in brief.age_bands)
    text = _both(
        lambda: (
            _("About %(share)s%% of its users are in your age bands (estimate).")
            % {"share": round(share * 100)}
        )
    )
    return _reason("age", share * FACTOR_MAX["age"], text)


def _gender(platform: Platform, brief: Brief) -> Reason:
    female = platform.audience.female
    if brief.gender == Gender.ANY:
        text = _both(lambda: _("No gender target, so the audience's gender mix does not count."))
        return _reason("gender", 0.0, text, "neutral")
    share = female if brief.gender == Gender.FEMALE else 1 - female
    if brief.gender == Gender.FEMALE:
        text = _both(
            lambda: (
                _("About %(share)s%% of its users are women (estimate).")
                % {"share": round(share * 100)}
            )
        )
    else:
        text = _both(
            lambda: (
                _("About %(share)s%% of its users are men (estimate).")
                % {"share": round(share * 100)}
            )
        )
    points = (share - 0.5) * 2 * FACTOR_MAX["gender"]
    verdict: Verdict = "match" if share >= 0.55 else "miss" if share < 0.45 else "partial"
    return _reason("gender", points, text, verdict)


def _cities(platform: Platform, brief: Brief) -> Reason:
    share = sum(platform.audience.cities[tier] for tier in brief.city_tiers)
    text = _both(
        lambda: (
            _("About %(share)s%% of its users live where your audience is (estimate).")
            % {"share": round(share * 100)}
        )
    )
    return _reason("cities", share * FACTOR_MAX["cities"], text)


E = TypeVar("E", bound=StrEnum)


def _rated(factor: str, ratings: dict[E, int], chosen: Iterable[E], message: Promise) -> Reason:
    picked = sorted(chosen, key=list(ratings).index)
    average = sum(ratings[item] for item in picked) / len(picked) if picked else 0.0
    strong = [item for item in picked if ratings[item] >= 4]
    weak = [item for item in picked if ratings[item] <= 2]

    def render() -> str:
        separator = "、" if (translation.get_language() or "").startswith("zh") else ", "
        return str(message) % {
            "rating": _number(average),
            "strong": separator.join(label(item) for item in strong) or "—",
            "weak": separator.join(label(item) for item in weak) or "—",
        }

    return _reason(factor, average / 5 * FACTOR_MAX[factor], _both(render))


def _goals(platform: Platform, brief: Brief) -> Reason:
    message = _("Serves your goals %(rating)s/5 on average (strong: %(strong)s; weak: %(weak)s).")
    return _rated("goals", dict(platform.fit.goals), brief.goals, message)


def _content(platform: Platform, brief: Brief) -> Reason:
    message = _(
        "Suits what your team makes %(rating)s/5 on average (strong: %(strong)s; weak: %(weak)s)."
    )
    return _rated("content", dict(platform.fit.content), brief.strengths, message)


def _publishing(platform: Platform) -> Reason:
    if platform.status == Status.LIVE_API:
        text = _both(lambda: _("SocialOps publishes there directly through its API."))
        return _reason("publishing", FACTOR_MAX["publishing"], text, "match")
    text = _both(
        lambda: _(
            "Publishing there is manual: a person posts from a prepared task, which costs time."
        )
    )
    return _reason("publishing", MANUAL_PENALTY, text, "miss")


# -- the account matrix -------------------------------------------------------------------------


def _matrix(ranking: list[Ranked], brief: Brief) -> Matrix:
    matrix = Matrix(team_hours=brief.team_hours)
    candidates = [ranked for ranked in ranking if ranked.recommended] or ranking[:1]
    brand_platforms: list[Platform] = []
    for ranked in candidates:
        platform = ranked.platform
        needed = platform.hours_per_account
        if len(brand_platforms) >= MAX_BRAND_ACCOUNTS:
            reason = _both_format(
                _("Recommended, but a focused matrix starts with at most %(count)s platforms."),
                count=MAX_BRAND_ACCOUNTS,
            )
            matrix.not_fitted.append(NotFitted(platform, needed, reason))
        elif needed > matrix.hours_left:
            reason = _both_format(
                _("Needs about %(needed)s hours a week; hours left: %(left)s."),
                needed=needed,
                left=matrix.hours_left,
            )
            matrix.not_fitted.append(NotFitted(platform, needed, reason))
        else:
            reason = _both_format(
                _("Ranked #%(rank)s with %(score)s points: the main voice here."),
                rank=ranking.index(ranked) + 1,
                score=_number(ranked.score),
            )
            matrix.accounts.append(Account(platform, AccountRole.BRAND, needed, reason))
            brand_platforms.append(platform)
    extras = [
        (Goal.SERVICE, AccountRole.SUPPORT, (Goal.SERVICE,)),
        (Goal.CONVERSION, AccountRole.PRODUCT, (Goal.CONVERSION, Goal.CAMPAIGN)),
        (Goal.CAMPAIGN, AccountRole.PRODUCT, (Goal.CONVERSION, Goal.CAMPAIGN)),
    ]
    for goal, role, rated_on in extras:
        if goal not in brief.goals or any(a.role == role for a in matrix.accounts):
            continue
        _add_extra(matrix, brand_platforms, role, goal, rated_on)
    return matrix


def _add_extra(
    matrix: Matrix,
    brand_platforms: list[Platform],
    role: AccountRole,
    goal: Goal,
    rated_on: tuple[Goal, ...],
) -> None:
    """A second account for a goal, on the chosen platform that serves it best (rating ≥ 4)."""

    def rating(platform: Platform) -> int:
        return max(platform.fit.goals[g] for g in rated_on)

    fitting = [p for p in brand_platforms if rating(p) >= 4]
    if not fitting:
        return
    best = max(fitting, key=rating)  # first in rank order among equals
    hours = best.hours_per_account
    if hours > matrix.hours_left:
        reason = _both(
            lambda: (
                _("A separate %(role)s needs about %(needed)s hours a week; hours left: %(left)s.")
                % {"role": label(role), "needed": hours, "left": matrix.hours_left}
            )
        )
        matrix.not_fitted.append(NotFitted(best, hours, reason))
        return
    reason = _both(
        lambda: (
            _("Your goal “%(goal)s” is served best here (%(rating)s/5).")
            % {"goal": label(goal), "rating": rating(best)}
        )
    )
    matrix.accounts.append(Account(best, role, hours, reason))


# -- helpers ------------------------------------------------------------------------------------


def _both(render: Callable[[], object]) -> Text:
    """A message rendered in Chinese and in English."""
    with translation.override("zh-hans"):
        zh = str(render())
    with translation.override("en"):
        en = str(render())
    return Text(zh=zh, en=en)


def _both_format(message: Promise, **params: object) -> Text:
    """`message % params` in both languages; codes among the params are shown by their label."""

    def render() -> str:
        shown = {k: label(v) if isinstance(v, StrEnum) else v for k, v in params.items()}
        return str(message) % shown

    return _both(render)


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
