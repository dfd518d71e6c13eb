"""The 话题标签 page: renderings side by side, add, edit, archive, hashtag sets."""

from __future__ import annotations

from django.urls import reverse

from socialops.campaigns import actions
from socialops.campaigns.models import HashtagSet, Topic


def test_it_shows_each_topic_rendered_per_platform(team):
    actions.create_topic(access=team.access("carol"), name="Product launch")

    response = team.browser("erin").get(reverse("topics", args=["acme"]))

    assert response.status_code == 200
    page = response.content.decode()
    for rendered in ("#Product launch#", "#ProductLaunch"):
        assert rendered in page
    assert 'action="/w/acme/content/topics/new/"' not in page  # an analyst may not add


def test_it_adds_edits_and_archives_a_topic(team):
    browser = team.browser("carol")
    url = reverse("topic_new", args=["acme"])

    added = browser.post(url, {"name": "双十一", "override_weibo": "双十一狂欢节"})
    assert added.status_code == 302
    topic = Topic.objects.get(name="双十一")
    assert topic.overrides == {"weibo": "双十一狂欢节"}
    page = browser.get(reverse("topics", args=["acme"])).content.decode()
    assert "#双十一狂欢节#" in page

    edit = reverse("topic_edit", args=["acme", topic.pk])
    assert browser.get(edit).status_code == 200
    assert browser.post(edit, {"name": "双11"}).status_code == 302
    browser.post(reverse("topic_archive", args=["acme", topic.pk]))
    topic.refresh_from_db()
    assert (topic.name, topic.overrides, topic.archived) == ("双11", {}, True)


def test_it_shows_form_errors_in_place(team):
    actions.create_topic(access=team.access("carol"), name="双十一")

    response = team.browser("carol").post(reverse("topic_new", args=["acme"]), {"name": "双十一"})

    assert response.status_code == 422
    assert "本工作区已有同名话题。" in response.content.decode()


def test_it_adds_and_archives_a_hashtag_set(team):
    topic = actions.create_topic(access=team.access("carol"), name="新品发布")
    browser = team.browser("bob")

    browser.post(
        reverse("hashtag_set_new", args=["acme"]),
        {"name": "春季上新", "purpose": "新品 pillar", "topics": [topic.pk]},
    )
    found = HashtagSet.objects.get(name="春季上新")
    assert list(found.topics.all()) == [topic]
    assert "#新品发布#" in browser.get(reverse("topics", args=["acme"])).content.decode()
    browser.post(reverse("hashtag_set_archive", args=["acme", found.pk]))
    found.refresh_from_db()
    assert found.archived


def test_it_is_a_tab_of_the_content_section(team):
    browser = team.browser("dave")

    rules = browser.get(reverse("content_rules", args=["acme"])).content.decode()
    topics = browser.get(reverse("topics", args=["acme"])).content.decode()

    tab = 'href="/w/acme/content/topics/"'
    active = f'class="nav-link active" aria-current="page" {tab}'
    assert f'class="nav-link" {tab}' in rules
    assert active not in rules
    assert active in topics
