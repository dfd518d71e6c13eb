"""API routes of listening, one router made of the parts each module owns."""

from __future__ import annotations

from ninja import Router

from . import api_alerts, api_destinations, api_mentions, api_queries, api_sources

router = Router(tags=["listening"])
for part in (api_queries, api_sources, api_mentions, api_alerts, api_destinations):
    router.add_router("", part.router)
