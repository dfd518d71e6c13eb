"""API routes for the platform catalog and the platform-fit advisor."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.core.errors import ApiError
from socialops.core.schemas import errors
from socialops.platforms import catalog
from socialops.platforms.advisor import Advice, Brief, advise
from socialops.platforms.schemas import AdviceOut, BriefIn, PlatformFilterIn, PlatformListOut

router = Router(tags=["platforms"])


@router.get("/platforms", response={200: PlatformListOut, **errors(403)})
def list_platforms(request: HttpRequest, filters: Query[PlatformFilterIn]) -> dict[str, Any]:
    """The whole catalog in one page (it is small), optionally filtered."""
    access_of(request).require(Perm.PLATFORM_VIEW, request)
    found = catalog.platforms(status=filters.status, fmt=filters.format)
    return {"catalog_version": catalog.catalog().version, "count": len(found), "results": found}


@router.get("/platforms/{code}", response={200: catalog.Platform, **errors(403, 404)})
def get_platform(request: HttpRequest, code: str) -> catalog.Platform:
    access_of(request).require(Perm.PLATFORM_VIEW, request)
    platform = catalog.get(code)
    if platform is None:
        raise ApiError(404, "not_found", "No platform with this code.", {"code": "unknown"})
    return platform


@router.post("/advisor", response={200: AdviceOut, **errors(403, 409)})
def run_advisor(request: HttpRequest, payload: BriefIn) -> dict[str, Any]:
    """Rank the catalog's platforms for a brief and size an account matrix; nothing is stored."""
    access_of(request).require(Perm.PLATFORM_VIEW, request)
    brief = Brief(
        industry=payload.industry,
        model=payload.model,
        age_bands=frozenset(payload.age_bands),
        gender=payload.gender,
        city_tiers=frozenset(payload.city_tiers),
        goals=frozenset(payload.goals),
        team_hours=payload.team_hours_per_week,
        strengths=frozenset(payload.content_strengths),
    )
    return advice_out(advise(brief))


def advice_out(advice: Advice) -> dict[str, Any]:
    matrix = advice.matrix
    return {
        "catalog_version": advice.catalog_version,
        "ranking": [
            {
                "rank": index,
                "platform": ranked.platform.code,
                "name": ranked.platform.name,
                "status": ranked.platform.status,
                "score": ranked.score,
                "recommended": ranked.recommended,
                "reasons": ranked.reasons,
            }
            for index, ranked in enumerate(advice.ranking, start=1)
        ],
        "excluded": [
            {
                "platform": excluded.platform.code,
                "name": excluded.platform.name,
                "retired_on": excluded.platform.retired_on,
                "reason": excluded.reason,
            }
            for excluded in advice.excluded
        ],
        "matrix": {
            "team_hours_per_week": matrix.team_hours,
            "hours_used": matrix.hours_used,
            "hours_left": matrix.hours_left,
            "accounts": [
                {
                    "platform": account.platform.code,
                    "name": account.platform.name,
                    "role": account.role.value,
                    "hours_per_week": account.hours,
                    "reason": account.reason,
                }
                for account in matrix.accounts
            ],
            "not_fitted": [
                {
                    "platform": item.platform.code,
                    "name": item.platform.name,
                    "hours_needed": item.hours_needed,
                    "reason": item.reason,
                }
                for item in matrix.not_fitted
            ],
        },
    }
