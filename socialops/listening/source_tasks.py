"""Background tasks of the listening sources."""

from __future__ import annotations
