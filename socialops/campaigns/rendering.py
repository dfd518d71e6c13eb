"""A topic written the way each platform recognises it: ``#话题#`` on Weibo, ``#tag`` elsewhere.

Every form is checked in the tests against ``socialops.core.text``, the rules the composer and
the lint engine use, so a rendered topic is always detected as a topic there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from .models import HashtagSet, Topic

# The platforms shown side by side on the topics page, in this order.
SHOWN_PLATFORMS = ("weibo", "x", "mastodon", "bluesky", "wechat")
HASHTAG_PLATFORMS = frozenset({"x", "mastodon", "bluesky"})

# Letters, marks, digits and "_" make a hashtag on X, Mastodon and Bluesky alike; anything else
# (a space, "-", "!", "·", full-width punctuation) would end it early, so it is dropped.
_NOT_TAG_CHAR = regex.compile(r"[^\p{L}\p{M}\p{Nd}_]+")
_LETTER = regex.compile(r"\p{L}")
_WEIBO_BREAKS = regex.compile(r"[#＃\r\n]+")
_SPACES = regex.compile(r"\s+")


def render_topic(topic_or_name: Topic | str, platform: str) -> str:
    """The topic as written in a post on ``platform``; "" when it cannot be a tag there."""
    name = topic_or_name if isinstance(topic_or_name, str) else topic_or_name.name_for(platform)
    if platform == "weibo":
        return weibo_topic(name)
    if platform in HASHTAG_PLATFORMS:
        tag = hashtag(name)
        return f"#{tag}" if tag else ""
    return _SPACES.sub(" ", name).strip()


def render_set(hashtag_set: HashtagSet, platform: str) -> str:
    """The set's live topics rendered for ``platform``, space-separated, each once."""
    rendered: list[str] = []
    for topic in hashtag_set.topics.all():
        text = "" if topic.archived else render_topic(topic, platform)
        if text and text not in rendered:
            rendered.append(text)
    return " ".join(rendered)


def weibo_topic(name: str) -> str:
    """``#名字#``: no number sign or line break inside, spaces collapsed; "" if nothing is left."""
    inner = _SPACES.sub(" ", _WEIBO_BREAKS.sub(" ", name)).strip()
    return f"#{inner}#" if inner else ""


def hashtag(name: str) -> str:
    """The tag without "#": words joined, later ones capitalised ("Product launch" → ProductLaunch).

    A tag needs a letter (X and Mastodon ignore "#2024"), and Bluesky trims a trailing "_".
    """
    words = [word for word in _NOT_TAG_CHAR.split(name) if word]
    tag = "".join(words[:1] + [word[:1].upper() + word[1:] for word in words[1:]]).strip("_")
    return tag if _LETTER.search(tag) else ""
