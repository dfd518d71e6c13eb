"""Listening: the query language, normalisation, the matching engine and dedupe (pure Python).

- ``query.parse(source) -> Query`` (``QuerySyntaxError`` with a position; docs/query-language.md);
- ``normalise.normalise(text)`` and ``normalise_mapped(text)`` (positions back to the original);
- ``matcher.Matcher.build({query_id: source})`` → ``match(post)`` / ``match_ids(normalised)``;
  ``matcher.LiveMatcher`` swaps in a new version on each edit;
- ``dedupe.Deduper().see(text) -> (cluster_id, is_new, count)``.
"""
