"""Sending our replies: one outbound Message row through its account's connector.

The caller (the inbox's reply action) creates the row in send_state SENDING and commits it;
``deliver`` then claims it with a conditional UPDATE that puts a claim mark into the empty
``remote_id`` (``sending:<unix time>:<nonce>``), so two deliveries of one row at once send it
once. The outcome is SENT (remote id and URL), FAILED (our code and the platform's reason, shown
on the message) or UNCONFIRMED (a timeout: the reply may be on the platform). An unconfirmed
reply is never sent again blindly: ``reconcile`` asks the platform where it can (a connector
with ``find_reply``; the sandbox, whose replies are idempotent by key) and otherwise leaves it
for a person. A claim older than CLAIM_TIMEOUT belongs to a worker that died mid-call: the
reply becomes UNCONFIRMED too.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F

from socialops.channels.models import Channel
from socialops.connectors.base import (
    AuthExpired,
    Author,
    ConnectorError,
    InboxItem,
    OutcomeUnknown,
    RemoteRef,
)
from socialops.core import audit
from socialops.core.clock import now
from socialops.core.errors import ApiError

from .models import Conversation, Message

log = logging.getLogger(__name__)

State = Message.SendState
CLAIM_PREFIX = "sending:"
CLAIM_TIMEOUT = timedelta(minutes=10)  # far longer than any connector's own timeouts
LOOK_BACK = timedelta(minutes=5)  # clocks differ: look for the reply a little before we sent it
# A reply sent again with its key is not repeated: the sandbox keeps keys; Bluesky derives the
# record key from it. (Mastodon forgets keys after an hour: not safe for a late reconciliation.)
IDEMPOTENT_REPLIES = frozenset({"sandbox", "bluesky"})
RECONCILE_BATCH = 100


@dataclass(frozen=True)
class Failure:
    code: str
    message: str

    @classmethod
    def of(cls, error: BaseException) -> Failure:
        if isinstance(error, ConnectorError):
            platform = f" [{error.platform_code}]" if error.platform_code else ""
            return cls((error.code or "error")[:40], f"{error.message}{platform}"[:1000])
        if isinstance(error, ApiError):
            return cls(error.code[:40], error.message[:1000])
        return cls(type(error).__name__[:40], (str(error) or type(error).__name__)[:1000])


def claim_mark(at: datetime | None = None) -> str:
    return f"{CLAIM_PREFIX}{int((at or now()).timestamp())}:{secrets.token_hex(4)}"


def claimed_at(mark: str) -> datetime | None:
    if not mark.startswith(CLAIM_PREFIX):
        return None
    try:
        return datetime.fromtimestamp(int(mark.split(":")[1]), tz=UTC)
    except (IndexError, ValueError):
        return None


def _claim(message_id: int, state: str) -> str:
    """Claim the row in ``state`` for one delivery or reconciliation; "" if not ours."""
    mark = claim_mark()
    taken = Message.objects.filter(
        pk=message_id, direction=Message.Direction.OUTBOUND, send_state=state, remote_id=""
    ).update(remote_id=mark)
    return mark if taken else ""


def _load(message_id: int) -> Message:
    return Message.objects.select_related(
        "conversation", "channel", "workspace", "sent_by", "conversation__contact"
    ).get(pk=message_id)


# ---- sending ----------------------------------------------------------------------------------


def deliver(message_id: int) -> Message:
    """Send one outbound row (send_state SENDING); the row afterwards. Safe to call twice."""
    mark = _claim(message_id, State.SENDING)
    message = _load(message_id)
    if not mark:
        return message
    if not message.idempotency_key:
        key = f"inbox-{message.pk}-{secrets.token_hex(8)}"
        Message.objects.filter(pk=message.pk, idempotency_key="").update(idempotency_key=key)
        message.refresh_from_db(fields=["idempotency_key"])
    _send(message, mark)
    return _load(message_id)


def _send(message: Message, mark: str, *, reconciling: bool = False) -> None:
    from socialops.channels.actions import connector_for, mark_reconnect_needed

    channel = message.channel
    target = reply_target(message.conversation)
    if channel.status != Channel.Status.CONNECTED:
        record_failed(message, mark, Failure("not_connected", _not_connected(channel)))
        return
    if target is None:
        record_failed(message, mark, Failure("no_target", "There is no message to answer."))
        return
    try:
        with connector_for(channel) as connector:
            ref = connector.reply(target, message.text, idempotency_key=message.idempotency_key)
    except AuthExpired as error:
        record_failed(message, mark, Failure.of(error))
        mark_reconnect_needed(channel=channel, reason=error.message, error=error, via="worker")
    except OutcomeUnknown as error:
        record_unconfirmed(message, mark, Failure.of(error))
    except (ConnectorError, ApiError) as error:
        # the platform refused or could not be reached before taking it: not sent
        record_failed(message, mark, Failure.of(error))
    except Exception as error:  # a bug or a dropped connection mid-call: it may have gone out
        log.exception("sending reply %s failed unexpectedly", message.pk)
        record_unconfirmed(message, mark, Failure.of(error))
    else:
        record_sent(message, mark, ref, reconciled=reconciling)


def _not_connected(channel: Channel) -> str:
    if channel.status == Channel.Status.RECONNECT_NEEDED:
        return "The account needs to be reconnected before replies can be sent."
    return "The account is not connected."


def reply_target(conversation: Conversation) -> InboxItem | None:
    """The conversation's newest inbound message as the connector's reply target."""
    message = (
        Message.objects.filter(conversation=conversation, direction=Message.Direction.INBOUND)
        .exclude(remote_id="")
        .order_by("-created_at", "-id")
        .first()
    )
    if message is None:
        return None
    raw = dict(message.raw or {})
    meta = raw.pop("_item", None) or {}
    return InboxItem(
        kind=str(meta.get("kind") or conversation.kind),
        remote_id=message.remote_id,
        author=Author(
            remote_id=message.author_remote_id,
            handle=message.author_handle,
            name=message.author_name,
        ),
        text=message.text,
        created_at=message.created_at,
        thread_id=str(meta.get("thread_id") or conversation.post_remote_id),
        parent_id=message.parent_remote_id,
        url=message.url,
        raw=raw,
    )


# ---- outcomes -----------------------------------------------------------------------------------


def _mine(message: Message, mark: str) -> Any:
    return Message.objects.filter(pk=message.pk, remote_id=mark)


def record_sent(
    message: Message,
    mark: str,
    ref: RemoteRef,
    *,
    reconciled: bool = False,
    actor: Any = None,
) -> bool:
    """On the platform: SENT with its id and URL; the conversation is answered."""
    from socialops.contacts.linking import note_interaction
    from socialops.sla import hooks

    at = now()
    sent_at = ref.published_at or at
    remote_id = (ref.remote_id or f"{message.idempotency_key}")[:200]
    with transaction.atomic():
        remote_id = _free_remote_id(message, remote_id)
        if not _mine(message, mark).update(
            send_state=State.SENT,
            remote_id=remote_id,
            url=ref.url[:1000],
            created_at=sent_at,
            error_code="",
            error_message="",
        ):
            return False
        message.refresh_from_db()
        conversation = _answered(message)
        message.conversation = conversation
        audit.record(
            action="inbox.reply_reconciled" if reconciled else "inbox.reply_sent",
            workspace=message.workspace,
            actor=actor or message.sent_by,
            via="web" if actor else "worker",
            target=message,
            target_label=f"reply {message.pk} in conversation {conversation.pk}",
            after={"conversation": conversation.pk, "remote_id": remote_id, "url": message.url},
        )
        hooks.on_outbound(message)
        if conversation.contact is not None:
            note_interaction(conversation.contact, message)
    return True


def _free_remote_id(message: Message, remote_id: str) -> str:
    """The id to store: an ingested copy of this very reply gives way; our own rows keep theirs."""
    other = (
        Message.objects.filter(channel_id=message.channel_id, remote_id=remote_id)
        .exclude(pk=message.pk)
        .first()
    )
    if other is None:
        return remote_id
    if other.direction == Message.Direction.OUTBOUND and not other.idempotency_key:
        # the sync met our reply on the platform before we recorded it: keep one row, ours
        Conversation.objects.filter(pk=other.conversation_id).update(
            message_count=F("message_count") - 1
        )
        other.delete()
        return remote_id
    return f"{remote_id}#{message.pk}"[:200]  # e.g. WeChat, whose replies have no id of their own


def _answered(message: Message) -> Conversation:
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    fields = ["updated_at"]
    at = message.created_at
    if conversation.last_outbound_at is None or at > conversation.last_outbound_at:
        conversation.last_outbound_at = at
        fields.append("last_outbound_at")
    if conversation.first_response_at is None:
        conversation.first_response_at = at
        fields.append("first_response_at")
    if conversation.last_inbound_at is None or at >= conversation.last_inbound_at:
        conversation.unanswered = False
        fields.append("unanswered")
    if at >= conversation.last_message_at:
        from .arrival import preview

        conversation.last_message_at = at
        conversation.preview = preview(message.text)
        fields += ["last_message_at", "preview"]
    conversation.updated_at = now()
    conversation.save(update_fields=fields)
    return Conversation.objects.select_related("contact").get(pk=conversation.pk)


def record_failed(message: Message, mark: str, failure: Failure, *, actor: Any = None) -> bool:
    """Not sent: FAILED with the reason shown on the message."""
    with transaction.atomic():
        if not _mine(message, mark).update(
            send_state=State.FAILED,
            remote_id="",
            error_code=failure.code,
            error_message=failure.message,
        ):
            return False
        audit.record(
            action="inbox.reply_failed",
            workspace=message.workspace,
            actor=actor or message.sent_by,
            via="web" if actor else "worker",
            target=message,
            target_label=f"reply {message.pk} in conversation {message.conversation_id}",
            after={"conversation": message.conversation_id, **failure.__dict__},
        )
    return True


def record_unconfirmed(message: Message, mark: str, failure: Failure) -> bool:
    """Outcome unknown: UNCONFIRMED until reconciled, never sent again blindly."""
    with transaction.atomic():
        if not _mine(message, mark).update(
            send_state=State.UNCONFIRMED,
            remote_id="",
            error_code=failure.code,
            error_message=failure.message,
        ):
            return False
        audit.record(
            action="inbox.reply_unconfirmed",
            workspace=message.workspace,
            actor=message.sent_by,
            via="worker",
            target=message,
            target_label=f"reply {message.pk} in conversation {message.conversation_id}",
            after={"conversation": message.conversation_id, **failure.__dict__},
        )
    return True


# ---- reconciliation -------------------------------------------------------------------------


def reconcile(message_id: int) -> Message:
    """Settle an UNCONFIRMED reply with the platform where it can tell; the row afterwards."""
    from socialops.channels.actions import connector_for

    mark = _claim(message_id, State.UNCONFIRMED)
    message = _load(message_id)
    if not mark:
        return message
    if message.channel.status != Channel.Status.CONNECTED:  # ask again once it is reconnected
        _release(message, mark)
        return _load(message_id)
    found: RemoteRef | None = None
    try:
        with connector_for(message.channel) as connector:
            finder = getattr(connector, "find_reply", None)
            if callable(finder):
                found = finder(
                    idempotency_key=message.idempotency_key,
                    since=message.received_at - LOOK_BACK,
                )
            elif connector.code in IDEMPOTENT_REPLIES:
                _release(message, mark)
                _resend_idempotent(message_id)
                return _load(message_id)
            else:
                _release(message, mark)
                return message
    except (ConnectorError, ApiError) as error:
        log.info("reconciling reply %s: %s", message.pk, Failure.of(error).message)
        _release(message, mark)
        return _load(message_id)
    if found is not None:
        record_sent(message, mark, found, reconciled=True)
    else:
        record_failed(
            message,
            mark,
            Failure("not_sent", "The platform has no such reply: it was not sent."),
        )
    return _load(message_id)


def _resend_idempotent(message_id: int) -> None:
    """The platform answers a repeated key with the reply it already has, or sends it once."""
    mark = _claim(message_id, State.UNCONFIRMED)
    if mark:
        _send(_load(message_id), mark, reconciling=True)


def _release(message: Message, mark: str) -> None:
    _mine(message, mark).update(remote_id="")


def sweep(*, limit: int = RECONCILE_BATCH) -> int:
    """Lost claims become UNCONFIRMED, forgotten SENDING rows are sent, UNCONFIRMED ones
    reconciled where the platform can tell. How many rows were touched."""
    at = now()
    touched = 0
    sending = Message.objects.filter(
        direction=Message.Direction.OUTBOUND, send_state=State.SENDING
    ).order_by("pk")
    for pk, mark in sending.exclude(remote_id="").values_list("pk", "remote_id")[:limit]:
        since = claimed_at(mark)
        if since is not None and at - since > CLAIM_TIMEOUT:
            message = _load(pk)
            touched += record_unconfirmed(
                message, mark, Failure("worker_lost", "The sender stopped while sending.")
            )
    stale = Message.objects.filter(
        direction=Message.Direction.OUTBOUND,
        send_state=State.UNCONFIRMED,
        remote_id__startswith=CLAIM_PREFIX,
    )
    for pk, mark in stale.values_list("pk", "remote_id")[:limit]:
        since = claimed_at(mark)
        if since is not None and at - since > CLAIM_TIMEOUT:  # a reconciler died: let go
            touched += Message.objects.filter(pk=pk, remote_id=mark).update(remote_id="")
    forgotten = sending.filter(remote_id="", received_at__lt=at - timedelta(minutes=1))
    for pk in forgotten.values_list("pk", flat=True)[:limit]:
        deliver(pk)
        touched += 1
    unconfirmed = Message.objects.filter(
        direction=Message.Direction.OUTBOUND,
        send_state=State.UNCONFIRMED,
        remote_id="",
        channel__connector__in=sorted(IDEMPOTENT_REPLIES | _finders()),
    ).order_by("pk")
    for pk in unconfirmed.values_list("pk", flat=True)[:limit]:
        if reconcile(pk).send_state != State.UNCONFIRMED:
            touched += 1
    return touched


def _finders() -> set[str]:
    from socialops.connectors import registry

    return {
        code
        for code, cls in registry.all_connectors().items()
        if callable(getattr(cls, "find_reply", None))
    }


@transaction.atomic
def settle_unconfirmed(*, access: Any, message: Message, sent: bool, url: str = "") -> Message:
    """A person checked the platform: the unconfirmed reply is there (SENT) or not (FAILED)."""
    from django.utils.translation import gettext as _

    from socialops.accounts.roles import Perm

    access.require(Perm.INBOX_REPLY)
    if message.workspace_id != access.workspace.pk:
        raise ApiError(404, "not_found", _("Not found."))
    mark = _claim(message.pk, State.UNCONFIRMED)
    if not mark:
        raise ApiError(409, "conflict", _("This reply is not waiting to be confirmed."))
    row = _load(message.pk)
    if sent:
        ref = RemoteRef(remote_id=f"manual-{row.pk}", url=url)
        record_sent(row, mark, ref, reconciled=True, actor=access.user)
    else:
        failure = Failure("not_sent", "Checked by a person: it was not sent.")
        record_failed(row, mark, failure, actor=access.user)
    return _load(message.pk)
