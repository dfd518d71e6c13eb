"""Every write to contacts and identities: one transaction, one audit row with before and after.

The proactive-engagement writes are in ``engagement.py``; the CSV import in ``imports.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now

from . import linking, platforms, tiers
from .models import Contact, Identity
from .naming import name_key

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .imports import ContactPlan

CONTACT_FIELDS = ["name", "kind", "importance", "organisation", "tags", "notes"]
LIMITS = {"name": 200, "organisation": 200, "notes": 10_000}
MAX_TAGS, TAG_LENGTH = 20, 40
IDENTITY_LIMITS = {"handle": 200, "remote_id": 200, "url": 500}


# ---- cleaning ------------------------------------------------------------------------------


def clean_tags(tags: Any) -> list[str]:
    """Trimmed, "#" dropped, duplicates (ignoring case) removed, order kept."""
    if isinstance(tags, str):
        from .imports import split_list

        tags = split_list(tags)
    if not isinstance(tags, list | tuple):
        raise ValidationError({"tags": _("Give the tags as a list of words.")})
    cleaned: dict[str, str] = {}
    for tag in tags:
        text = " ".join(str(tag).split()).strip("#＃ ")
        if not text:
            continue
        if len(text) > TAG_LENGTH:
            raise ValidationError({"tags": _("A tag has at most %(n)d characters.") % {"n": 40}})
        cleaned.setdefault(text.casefold(), text)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(n)d tags.") % {"n": MAX_TAGS}})
    return list(cleaned.values())


def _clean_contact(values: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    name = " ".join(str(values.get("name", "")).split())
    if not name:
        fields["name"] = _("Give the contact a name.")
    cleaned["name"] = name
    kind = str(values.get("kind") or Contact.Kind.FAN)
    if kind not in Contact.Kind.values:
        fields["kind"] = _("One of: %(kinds)s.") % {"kinds": ", ".join(Contact.Kind.values)}
    cleaned["kind"] = kind
    importance = values.get("importance", Contact.Importance.NORMAL)
    if isinstance(importance, bool) or importance not in Contact.Importance.values:
        fields["importance"] = _("0 (low) to 3 (VIP).")
    cleaned["importance"] = importance
    cleaned["organisation"] = " ".join(str(values.get("organisation") or "").split())
    cleaned["notes"] = str(values.get("notes") or "").strip()
    for name_of_field, limit in LIMITS.items():
        if len(cleaned[name_of_field]) > limit:
            fields[name_of_field] = _("At most %(n)d characters.") % {"n": limit}
    try:
        cleaned["tags"] = clean_tags(values.get("tags") or [])
    except ValidationError as exc:
        fields.update({key: " ".join(msgs) for key, msgs in exc.message_dict.items()})
    if fields:
        raise ValidationError(fields)
    return cleaned


def clean_identity(values: Mapping[str, Any], *, prefix: str = "identity") -> dict[str, str]:
    """platform, handle (without @), remote_id and url checked; ValidationError by field."""
    fields: dict[str, str] = {}
    platform = str(values.get("platform") or "").strip().lower()
    handle = "".join(str(values.get("handle") or "").split()).lstrip("@＠")
    remote_id = str(values.get("remote_id") or "").strip()
    url = str(values.get("url") or "").strip()
    if not platforms.is_known(platform):
        fields[f"{prefix}.platform"] = _("Unknown platform “%(code)s”.") % {"code": platform}
    if not handle and not remote_id:
        fields[f"{prefix}.handle"] = _("Give the handle or the platform's user id.")
    for key, value in (("handle", handle), ("remote_id", remote_id), ("url", url)):
        if len(value) > IDENTITY_LIMITS[key]:
            fields[f"{prefix}.{key}"] = _("At most %(n)d characters.") % {"n": IDENTITY_LIMITS[key]}
    if url and f"{prefix}.url" not in fields:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            fields[f"{prefix}.url"] = _("Not a web address (http:// or https://).")
    if fields:
        raise ValidationError(fields)
    return {"platform": platform, "handle": handle, "remote_id": remote_id, "url": url}


def identity_owner(
    access: Access, identity: Mapping[str, str], *, exclude: Identity | None = None
) -> Identity | None:
    """The workspace's identity with the same platform and user id or handle, if any."""
    match = Q(pk__in=[])
    if identity["remote_id"]:
        match |= Q(remote_id=identity["remote_id"])
    if identity["handle"]:
        match |= Q(handle__iexact=identity["handle"])
    found = Identity.objects.filter(
        match, workspace=access.workspace, platform=identity["platform"]
    ).select_related("contact")
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.first()


def _taken(identity: Identity, prefix: str) -> ValidationError:
    return ValidationError(
        {
            f"{prefix}.handle": _(
                "%(platform)s account %(who)s is already an identity of %(name)s."
            )
            % {
                "platform": platforms.name_of(identity.platform),
                "who": f"@{identity.handle}" if identity.handle else identity.remote_id,
                "name": identity.contact.name,
            }
        }
    )


def contact_snapshot(contact: Contact) -> dict[str, Any]:
    identities = [str(identity) for identity in contact.identities.order_by("id")]
    return {**snapshot(contact, CONTACT_FIELDS), "identities": identities}


# ---- contacts ------------------------------------------------------------------------------


@transaction.atomic
def create_contact(
    *,
    access: Access,
    name: str,
    kind: str = Contact.Kind.FAN,
    importance: int = Contact.Importance.NORMAL,
    organisation: str = "",
    tags: Iterable[str] | str = (),
    notes: str = "",
    identities: Iterable[Mapping[str, Any]] = (),
    request: HttpRequest | None = None,
) -> Contact:
    """A contact with its platform identities; the inbox's conversations by them are linked."""
    access.require(Perm.CONTACTS_EDIT, request)
    cleaned = _clean_contact(
        {
            "name": name,
            "kind": kind,
            "importance": importance,
            "organisation": organisation,
            "tags": list(tags) if not isinstance(tags, str) else tags,
            "notes": notes,
        }
    )
    wanted = _clean_identities(access, identities)
    contact = Contact.objects.create(
        workspace=access.workspace,
        name_key=name_key(cleaned["name"]),
        created_by=access.user,
        **cleaned,
    )
    for values in wanted:
        _insert_identity(access, contact, values, prefix="identities")
    tiers.recompute(access.workspace, contact_ids=[contact.pk])
    audit.record(
        action="contact.created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=contact,
        after=contact_snapshot(contact),
    )
    return contact


def _clean_identities(
    access: Access, identities: Iterable[Mapping[str, Any]]
) -> list[dict[str, str]]:
    fields: dict[str, str] = {}
    wanted: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for index, values in enumerate(identities):
        prefix = f"identities.{index}"
        try:
            identity = clean_identity(values, prefix=prefix)
        except ValidationError as exc:
            fields.update({key: " ".join(msgs) for key, msgs in exc.message_dict.items()})
            continue
        keys = {
            (identity["platform"], f"id:{identity['remote_id']}")
            if identity["remote_id"]
            else None,
            (identity["platform"], f"@{identity['handle'].casefold()}")
            if identity["handle"]
            else None,
        } - {None}
        if keys & seen:
            fields[f"{prefix}.handle"] = _("The same account is given twice.")
            continue
        seen |= keys  # type: ignore[arg-type]
        owner = identity_owner(access, identity)
        if owner is not None:
            error = _taken(owner, prefix)
            fields.update({key: " ".join(msgs) for key, msgs in error.message_dict.items()})
            continue
        wanted.append(identity)
    if fields:
        raise ValidationError(fields)
    return wanted


def _insert_identity(
    access: Access, contact: Contact, values: Mapping[str, str], *, prefix: str
) -> Identity:
    """Insert; a race with another writer of the same account is the same clear error."""
    try:
        with transaction.atomic():
            identity = Identity.objects.create(
                workspace=access.workspace, contact=contact, **values
            )
    except IntegrityError as exc:
        owner = identity_owner(access, values)
        if owner is None:
            raise
        raise _taken(owner, prefix) from exc
    linking.link_conversations(identity)
    return identity


@transaction.atomic
def update_contact(
    *, access: Access, contact: Contact, request: HttpRequest | None = None, **changes: Any
) -> Contact:
    """Change any of name, kind, importance, organisation, tags and notes."""
    access.require(Perm.CONTACTS_EDIT, request)
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"update_contact() got unexpected fields {sorted(unknown)}")
    locked = Contact.objects.select_for_update().get(pk=contact.pk, workspace=access.workspace)
    before = snapshot(locked, CONTACT_FIELDS)
    cleaned = _clean_contact({**before, **changes})
    for key, value in cleaned.items():
        setattr(locked, key, value)
    after = snapshot(locked, CONTACT_FIELDS)
    if after != before:
        locked.name_key = name_key(locked.name)
        locked.updated_at = now()
        locked.save()
        audit.record(
            action="contact.updated",
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=locked,
            before=before,
            after=after,
        )
    return locked


@transaction.atomic
def delete_contact(*, access: Access, contact: Contact, request: HttpRequest | None = None) -> None:
    """Remove the contact and its identities; their inbox conversations stay, unlinked."""
    access.require(Perm.CONTACTS_EDIT, request)
    locked = Contact.objects.select_for_update().get(pk=contact.pk, workspace=access.workspace)
    before = contact_snapshot(locked)
    audit.record(
        action="contact.deleted",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=locked,
        before=before,
    )
    locked.delete()


@transaction.atomic
def add_identity(
    *,
    access: Access,
    contact: Contact,
    platform: str,
    handle: str = "",
    remote_id: str = "",
    url: str = "",
    request: HttpRequest | None = None,
) -> Identity:
    """One more platform account for the contact; that author's inbox conversations link."""
    access.require(Perm.CONTACTS_EDIT, request)
    locked = Contact.objects.select_for_update().get(pk=contact.pk, workspace=access.workspace)
    values = clean_identity(
        {"platform": platform, "handle": handle, "remote_id": remote_id, "url": url}
    )
    owner = identity_owner(access, values)
    if owner is not None:
        raise _taken(owner, "identity")
    before = contact_snapshot(locked)
    identity = _insert_identity(access, locked, values, prefix="identity")
    tiers.recompute(access.workspace, contact_ids=[locked.pk])
    Contact.objects.filter(pk=locked.pk).update(updated_at=now())
    audit.record(
        action="contact.identity_added",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=locked,
        before=before,
        after=contact_snapshot(locked),
    )
    return identity


@transaction.atomic
def remove_identity(
    *, access: Access, identity: Identity, request: HttpRequest | None = None
) -> None:
    """Drop one platform account; the conversations it had linked are unlinked."""
    access.require(Perm.CONTACTS_EDIT, request)
    contact = Contact.objects.select_for_update().get(
        pk=identity.contact_id, workspace=access.workspace
    )
    before = contact_snapshot(contact)
    linking.unlink_conversations(identity)
    identity.delete()
    # a conversation may still be theirs through another identity
    for other in contact.identities.all():
        linking.link_conversations(other)
    tiers.recompute(access.workspace, contact_ids=[contact.pk])
    Contact.objects.filter(pk=contact.pk).update(updated_at=now())
    audit.record(
        action="contact.identity_removed",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=contact,
        before=before,
        after=contact_snapshot(contact),
    )


@transaction.atomic
def import_contacts(
    *,
    access: Access,
    data: bytes | str,
    dry_run: bool = False,
    request: HttpRequest | None = None,
) -> list[ContactPlan]:
    """Create or merge a contact per planned group of rows, all or none; dry_run only plans."""
    from socialops.content.imports import decode

    from .imports import apply_plans, plan_import

    access.require(Perm.CONTACTS_EDIT, request)
    text = decode(data) if isinstance(data, bytes) else data
    plans = plan_import(access.workspace, text)
    if dry_run:
        return plans
    apply_plans(access=access, plans=plans, request=request)
    audit.record(
        action="contact.imported",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target_label=f"{len(plans)} contacts",
        after={
            "created": [plan.contact_id for plan in plans if plan.created],
            "merged": [plan.contact_id for plan in plans if not plan.created],
        },
    )
    return plans
