"""API routes of listening: alerts."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["listening"])
