"""A post's master text adapted to one account's platform: its topics written the platform's way."""

from __future__ import annotations

from collections.abc import Sequence

from socialops.campaigns.models import Topic
from socialops.campaigns.rendering import render_topic

# Weibo's statuses/share endpoint refuses #话题# in the text, so the real connector gets none;
# the topics are left for a person to add in the Weibo app (the composer says so).
NO_TOPICS_IN_TEXT = {"weibo"}


def adapt_text(body: str, *, platform: str, connector: str, topics: Sequence[Topic]) -> str:
    """The body with each topic not already in it appended in ``platform``'s form."""
    if connector in NO_TOPICS_IN_TEXT:
        return body
    tags = []
    for topic in topics:
        rendered = render_topic(topic, platform)
        if rendered and rendered not in body and rendered not in tags:
            tags.append(rendered)
    if not tags:
        return body
    separator = "" if platform == "weibo" else " "
    joined = separator.join(tags)
    if not body.strip():
        return joined
    return f"{body.rstrip()}\n{joined}" if platform != "weibo" else f"{body.rstrip()}{joined}"
