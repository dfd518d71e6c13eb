"""API routes of listening: destinations."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["listening"])
