"""A public post as every source hands it to the pipeline (sources → pipeline contract)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class IncomingPost:
    platform: str  # "sandbox", "weibo", "mastodon", "bluesky", "replay", …
    remote_id: str  # unique per platform; a replay without ids uses its line number
    text: str
    posted_at: datetime  # aware
    url: str = ""
    author_remote_id: str = ""
    author_handle: str = ""
    author_name: str = ""
    author_followers: int | None = None
    author_verified: bool = False
    lang: str = ""  # as the platform says; the classifier decides when empty
    reposts: int | None = None
    likes: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)

    # what the query language's fields read (evaluate.PostFields.of takes attributes or keys)
    @property
    def author(self) -> str:
        return self.author_handle or self.author_name or self.author_remote_id
