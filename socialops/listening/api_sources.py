"""API routes of listening: sources."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["listening"])
