"""Background tasks of alert delivery."""

from __future__ import annotations
