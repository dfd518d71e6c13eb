"""Topics, hashtag sets and tracked links (Content section tabs); the public /l/<code> redirect."""

from __future__ import annotations

from django.urls import path

from socialops.campaigns import views

SECTION = {"section": "content"}
BASE = "w/<slug:slug>/content/topics/"

urlpatterns = [
    path("l/<str:code>", views.follow_link, name="short_link"),
    path(BASE, views.topics_page, SECTION, name="topics"),
    path(f"{BASE}new/", views.topic_create, SECTION, name="topic_new"),
    path(f"{BASE}<int:topic_id>/", views.topic_edit, SECTION, name="topic_edit"),
    path(f"{BASE}<int:topic_id>/archive/", views.topic_archive, SECTION, name="topic_archive"),
    path(f"{BASE}sets/new/", views.set_create, SECTION, name="hashtag_set_new"),
    path(
        f"{BASE}sets/<int:set_id>/archive/", views.set_archive, SECTION, name="hashtag_set_archive"
    ),
    path("w/<slug:slug>/content/links/", views.links_page, SECTION, name="links"),
    path("w/<slug:slug>/content/links/new/", views.link_create, SECTION, name="link_new"),
    path(
        "w/<slug:slug>/content/posts/<int:post_id>/links/shorten/",
        views.post_links_shorten,
        SECTION,
        name="post_links_shorten",
    ),
]
