"""Library search with Chinese substrings.

``Asset.search_text`` holds the title, text, tags and file name, folded (NFKC, traditional →
simplified, case folded) the same way as the query. Each word of the query must occur in it:

- SQLite: words of 3 characters or more are looked up in ``content_asset_fts``, an FTS5 table
  with the trigram tokenizer that triggers keep in step with ``content_asset`` (migration 0005);
  shorter words (most Chinese words are 1–2 characters) fall back to LIKE.
- PostgreSQL: LIKE on search_text, served by a pg_trgm GIN index (migration 0005) for words of
  3 characters or more.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from socialops.content.rules.normalise import to_simplified

if TYPE_CHECKING:
    from socialops.content.models import Asset

FTS_TABLE = "content_asset_fts"
TRIGRAM = 3
MAX_WORDS = 8


def fold(text: str) -> str:
    """What search compares: full-width → half-width, traditional → simplified, case folded."""
    return to_simplified(unicodedata.normalize("NFKC", text)).casefold()


def search_text_of(
    *, title: str, text: str = "", tags: Iterable[str] = (), original_name: str = ""
) -> str:
    parts = [title, text, " ".join(tags), original_name]
    return fold("\n".join(part for part in parts if part))


def words(query: str) -> list[str]:
    """The query's words, folded; control characters (NUL ends an FTS5 string) are dropped."""
    printable = "".join(c if c.isprintable() else " " for c in query)
    return fold(printable).split()[:MAX_WORDS]


def matching(assets: QuerySet[Asset], query: str) -> QuerySet[Asset]:
    """Assets whose search text holds every word of ``query`` (an empty query: all of them)."""
    for word in words(query):
        if connection.vendor == "sqlite" and len(word) >= TRIGRAM:
            assets = assets.filter(pk__in=_fts_match(word))
        else:
            assets = assets.filter(search_text__contains=word)
    return assets


def _fts_match(word: str) -> RawSQL:
    phrase = '"' + word.replace('"', '""') + '"'  # one phrase: a substring to the trigram index
    # The word goes in as a parameter; only the constant table name is in the SQL text.
    return RawSQL(  # noqa: S611
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        (phrase,),
    )


def index_consistent() -> bool:
    """SQLite: the FTS index agrees with content_asset (FTS5's own integrity check)."""
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        try:
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)"  # noqa: S608
            )
        except DatabaseError:  # FTS5 reports a damaged index as an error
            return False
    return True


def sqlite_objects() -> dict[str, Any]:
    """Names of the triggers and indexes migration 0005 made, as SQLite lists them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE tbl_name IN ('content_asset', %s)",
            [FTS_TABLE],
        )
        return {name: kind for kind, name in cursor.fetchall()}
