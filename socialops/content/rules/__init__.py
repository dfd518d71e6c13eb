"""The editorial rules engine: plain inputs in, findings with positions and fixes out."""

from __future__ import annotations

from .engine import Context, Finding, Rule, Severity, lint, topic_format
from .params import Kind, ParamsError, clean_params

__all__ = [
    "Context",
    "Finding",
    "Kind",
    "ParamsError",
    "Rule",
    "Severity",
    "clean_params",
    "lint",
    "topic_format",
]
