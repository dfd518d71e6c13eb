"""Every write to topics and hashtag sets: one transaction, one audit row with before and after."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now
from socialops.platforms import catalog

from .models import NAME_LENGTH, HashtagSet, Topic

if TYPE_CHECKING:
    from django.http import HttpRequest

TOPIC_FIELDS = ["name", "overrides", "notes", "archived"]
SET_FIELDS = ["name", "purpose", "archived"]
SET_NAME_LENGTH = 100


def _name_taken(access: Access, topic: Topic | None, name: str) -> bool:
    others = Topic.objects.filter(workspace=access.workspace, name=name)
    return (others.exclude(pk=topic.pk) if topic else others).exists()


def _clean_topic(access: Access, topic: Topic | None, name: str, overrides: Any) -> dict[str, Any]:
    fields: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        fields["name"] = _("Give the topic a name.")
    elif len(name) > NAME_LENGTH:
        fields["name"] = _("At most %(n)d characters.") % {"n": NAME_LENGTH}
    elif _name_taken(access, topic, name):
        fields["name"] = _("This workspace already has a topic with this name.")
    cleaned: dict[str, str] = {}
    if not isinstance(overrides, dict):
        fields["overrides"] = _("Give a name per platform code.")
    else:
        for code, value in overrides.items():
            if catalog.get(str(code)) is None:
                fields["overrides"] = _("Unknown platform: %(code)s.") % {"code": code}
            elif not isinstance(value, str) or len(value.strip()) > NAME_LENGTH:
                fields["overrides"] = _("Each name is text of at most %(n)d characters.") % {
                    "n": NAME_LENGTH
                }
            elif value.strip():
                cleaned[str(code)] = " ".join(value.split())
    if fields:
        raise ValidationError(fields)
    return {"name": name, "overrides": dict(sorted(cleaned.items()))}


@transaction.atomic
def create_topic(
    *,
    access: Access,
    name: str,
    overrides: Any = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Topic:
    access.require(Perm.CONTENT_EDIT, request)
    cleaned = _clean_topic(access, None, name, overrides or {})
    topic = Topic.objects.create(
        workspace=access.workspace, notes=notes.strip(), created_by=access.user, **cleaned
    )
    audit.record(
        action="topic.created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=topic,
        after=snapshot(topic, TOPIC_FIELDS),
    )
    return topic


@transaction.atomic
def update_topic(
    *, access: Access, topic: Topic, request: HttpRequest | None = None, **changes: Any
) -> Topic:
    """Change any of name, overrides, notes and archived."""
    access.require(Perm.CONTENT_EDIT, request)
    unknown = set(changes) - set(TOPIC_FIELDS)
    if unknown:
        raise TypeError(f"update_topic() got unexpected fields {sorted(unknown)}")
    locked = Topic.objects.select_for_update().get(pk=topic.pk, workspace=access.workspace)
    before = snapshot(locked, TOPIC_FIELDS)
    cleaned = _clean_topic(
        access,
        locked,
        changes.get("name", locked.name),
        changes.get("overrides", locked.overrides),
    )
    locked.name, locked.overrides = cleaned["name"], cleaned["overrides"]
    locked.notes = str(changes.get("notes", locked.notes)).strip()
    locked.archived = bool(changes.get("archived", locked.archived))
    after = snapshot(locked, TOPIC_FIELDS)
    if after != before:
        locked.updated_at = now()
        locked.save()
        archived_only = [key for key in before if before[key] != after[key]] == ["archived"]
        action = "topic.archived" if archived_only and locked.archived else "topic.updated"
        audit.record(
            action=action,
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=locked,
            before=before,
            after=after,
        )
    return locked


def archive_topic(*, access: Access, topic: Topic, request: HttpRequest | None = None) -> Topic:
    return update_topic(access=access, topic=topic, archived=True, request=request)


def _set_snapshot(hashtag_set: HashtagSet, topic_ids: list[int]) -> dict[str, Any]:
    return {**snapshot(hashtag_set, SET_FIELDS), "topic_ids": sorted(topic_ids)}


def _clean_set(access: Access, name: str, purpose: str, topic_ids: Any) -> dict[str, Any]:
    fields: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        fields["name"] = _("Give the set a name.")
    elif len(name) > SET_NAME_LENGTH:
        fields["name"] = _("At most %(n)d characters.") % {"n": SET_NAME_LENGTH}
    if len(purpose.strip()) > SET_NAME_LENGTH:
        fields["purpose"] = _("At most %(n)d characters.") % {"n": SET_NAME_LENGTH}
    wanted = {int(pk) for pk in topic_ids}
    found = set(
        Topic.objects.filter(workspace=access.workspace, pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - found:
        fields["topic_ids"] = _("Some topics are not in this workspace.")
    if fields:
        raise ValidationError(fields)
    return {"name": name, "purpose": purpose.strip(), "topic_ids": sorted(found)}


@transaction.atomic
def create_hashtag_set(
    *,
    access: Access,
    name: str,
    topic_ids: list[int] | None = None,
    purpose: str = "",
    request: HttpRequest | None = None,
) -> HashtagSet:
    access.require(Perm.CONTENT_EDIT, request)
    cleaned = _clean_set(access, name, purpose, topic_ids or [])
    hashtag_set = HashtagSet.objects.create(
        workspace=access.workspace,
        name=cleaned["name"],
        purpose=cleaned["purpose"],
        created_by=access.user,
    )
    hashtag_set.topics.set(cleaned["topic_ids"])
    audit.record(
        action="hashtag_set.created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=hashtag_set,
        after=_set_snapshot(hashtag_set, cleaned["topic_ids"]),
    )
    return hashtag_set


@transaction.atomic
def update_hashtag_set(
    *, access: Access, hashtag_set: HashtagSet, request: HttpRequest | None = None, **changes: Any
) -> HashtagSet:
    """Change any of name, purpose, topic_ids and archived."""
    access.require(Perm.CONTENT_EDIT, request)
    unknown = set(changes) - {*SET_FIELDS, "topic_ids"}
    if unknown:
        raise TypeError(f"update_hashtag_set() got unexpected fields {sorted(unknown)}")
    locked = HashtagSet.objects.select_for_update().get(
        pk=hashtag_set.pk, workspace=access.workspace
    )
    current_ids = list(locked.topics.values_list("pk", flat=True))
    before = _set_snapshot(locked, current_ids)
    cleaned = _clean_set(
        access,
        changes.get("name", locked.name),
        changes.get("purpose", locked.purpose),
        changes.get("topic_ids", current_ids),
    )
    locked.name, locked.purpose = cleaned["name"], cleaned["purpose"]
    locked.archived = bool(changes.get("archived", locked.archived))
    after = _set_snapshot(locked, cleaned["topic_ids"])
    if after != before:
        locked.updated_at = now()
        locked.save()
        locked.topics.set(cleaned["topic_ids"])
        archived_only = [key for key in before if before[key] != after[key]] == ["archived"]
        action = (
            "hashtag_set.archived" if archived_only and locked.archived else "hashtag_set.updated"
        )
        audit.record(
            action=action,
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=locked,
            before=before,
            after=after,
        )
    return locked


def archive_hashtag_set(
    *, access: Access, hashtag_set: HashtagSet, request: HttpRequest | None = None
) -> HashtagSet:
    return update_hashtag_set(
        access=access, hashtag_set=hashtag_set, archived=True, request=request
    )
