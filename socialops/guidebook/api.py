"""API routes of the guidebook app (see the brief in docs/ or the module docstrings)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["guidebook"])
