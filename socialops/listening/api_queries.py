"""API routes of listening: queries."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["listening"])
