"""Pages of listening (搜索监测), in the Interaction (互动) section."""

from __future__ import annotations

from . import urls_alerts, urls_destinations, urls_mentions, urls_queries, urls_sources

urlpatterns = [
    *urls_mentions.urlpatterns,
    *urls_queries.urlpatterns,
    *urls_sources.urlpatterns,
    *urls_alerts.urlpatterns,
    *urls_destinations.urlpatterns,
]
