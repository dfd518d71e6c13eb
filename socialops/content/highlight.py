"""The text cut into plain and marked pieces, one mark per finding that has a span."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .rules import Finding


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    finding: Finding | None = None
    number: int = 0  # the finding's number in the list below the text


def highlighted(text: str, findings: Sequence[Finding]) -> list[Segment]:
    """Overlapping findings: the earlier one is marked, the later one only listed."""
    segments: list[Segment] = []
    position = 0
    for number, finding in enumerate(findings, start=1):
        if finding.end <= finding.start or finding.start < position:
            continue
        if finding.start > position:
            segments.append(Segment(text[position : finding.start]))
        segments.append(Segment(text[finding.start : finding.end], finding, number))
        position = finding.end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments
