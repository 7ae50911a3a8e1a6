"""Private messages between friends: send (read back, then confirm), read, reply, delete,
report.

Text is moderated before delivery (personal data redacted, profanity masked; content that
moderation would hold or reject is not sent). Messages are stored durably: deleting only
hides a message from its recipient, so the content team can still review a reported
conversation. Only the recipient ever hears a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from dialogue import intents
from dialogue.reply import ElicitSlot, Reply
from dialogue.social.context import Clock, SocialTurn, ask, counted, data_of, pending, say
from dialogue.social.friends import BLOCK_SENDER, Friends
from dialogue.social.profiles import Profiles, clean_name
from knowledge.ids import stable_id
from knowledge.model import Message, User
from knowledge.moderation import messages_allowed, moderate
from knowledge.outbox import MESSAGE_DELIVERED, record_event
from knowledge.store.base import Store

CONFIRM_MESSAGE = "confirm_message"  # data {"to": user id, "text": moderated text}
HEARD_MESSAGE = "heard_message"  # data {"id": message id, "from": sender id}
READ_AT_ONCE = 3  # messages read in one turn before asking to go on


class Messages:
    """Sending and reading messages for one store."""

    def __init__(self, store: Store, profiles: Profiles, friends: Friends, clock: Clock) -> None:
        self._store = store
        self._profiles = profiles
        self._friends = friends
        self._clock = clock

    # --- sending ------------------------------------------------------------------------------
    def compose(self, turn: SocialTurn, friend: str | None, text: str | None) -> Reply:
        """SendMessageIntent: find the friend, take the text, read it back for confirmation."""
        me = self._profiles.ensure(turn.user_hash, self._clock())
        if not self._friends.friends_of(me.id):
            return ask(turn, say("send.no_friends"))
        if not friend or not friend.strip():
            return ask(
                turn, question=say("send.who"),
                directive=ElicitSlot(intents.SEND_MESSAGE, intents.SLOT_FRIEND, _known(text=text)),
            )
        recipient = self._friends.find_friend(me.id, friend)
        if recipient is None:
            return ask(
                turn, say("send.not_friend", name=clean_name(friend)), question=say("send.who"),
                directive=ElicitSlot(intents.SEND_MESSAGE, intents.SLOT_FRIEND, _known(text=text)),
            )
        if not text or not text.strip():
            return ask(
                turn, question=say("send.what", name=recipient.handle),
                directive=ElicitSlot(intents.SEND_MESSAGE, intents.SLOT_MESSAGE_TEXT, _known(friend=friend)),
            )
        result = moderate(text)
        if not result.published:
            return ask(turn, say("send.refused"))
        return ask(
            turn,
            question=say("send.confirm", name=recipient.handle, text=result.text),
            pending=pending(CONFIRM_MESSAGE, to=recipient.id, text=result.text),
        )

    def send(self, turn: SocialTurn) -> Reply:
        """Yes to "shall I send it?": deliver once per request id."""
        data = data_of(turn.state.pending, CONFIRM_MESSAGE) or {}
        me = self._profiles.ensure(turn.user_hash, self._clock())
        recipient = self._store.get_user(data.get("to", ""))
        if recipient is None or not data.get("text"):
            return ask(turn, say("send.lost"))
        if not self._friends.are_friends(me.id, recipient.id) or self._friends.blocked(me.id, recipient.id):
            return ask(turn, say("send.not_friend", name=recipient.handle))
        now = self._clock()
        message_id = stable_id("msg", me.id, turn.request_id)
        first_time = self._store.claim_request(turn.request_id, "message")
        if first_time and self._store.get_message(message_id) is None:
            if not messages_allowed(self._store, me.id, [recipient.id], now).allowed:
                return ask(turn, say("send.too_many"))
            # moderated again: the pending text came back from the client's session
            text = moderate(data["text"]).text
            self._store.put_message(
                Message(message_id, me.id, recipient.id, text, now.isoformat(timespec="seconds"))
            )
            record_event(self._store, MESSAGE_DELIVERED, message_id)  # the recipient's notification
        return ask(turn, say("send.done", name=recipient.handle))

    def cancel(self, turn: SocialTurn) -> Reply:
        return ask(turn, say("send.cancelled"))

    # --- reading ------------------------------------------------------------------------------
    def unread_count(self, user: User) -> int:
        return len(self._store.messages_to(user.id, unread_only=True))

    def read(self, turn: SocialTurn, after: str = "") -> Reply:
        """Read unread messages (up to READ_AT_ONCE), then offer to reply to the last one."""
        me = self._profiles.ensure(turn.user_hash, self._clock())
        unread = self._store.messages_to(me.id, unread_only=True)
        if not unread:
            return self._latest(turn, me)
        speech = [counted("read.count", len(unread))] if not after else []
        batch = unread[:READ_AT_ONCE]
        for message in batch:
            sender = self._store.get_user(message.sender_id)
            speech.append(say("read.one", name=sender.handle if sender else _former(), text=message.text))
            self._store.update_message(replace(message, read=True))
        last = batch[-1]
        sender = self._store.get_user(last.sender_id)
        more = len(unread) - len(batch)
        question = (
            counted("read.more", more) if more
            else say("read.reply", name=sender.handle if sender else _former())
        )
        return ask(
            turn, *speech, question=question,
            pending=pending(HEARD_MESSAGE, id=last.id, sender=last.sender_id, more=str(more)),
        )

    def _latest(self, turn: SocialTurn, me: User) -> Reply:
        """Nothing new: say so, and replay the latest message (so it can be answered,
        deleted or reported)."""
        kept = self._store.messages_to(me.id)
        if not kept:
            return ask(turn, say("read.none"))
        last = kept[-1]
        sender = self._store.get_user(last.sender_id)
        name = sender.handle if sender else _former()
        return ask(
            turn, say("read.none"), say("read.latest", name=name, text=last.text),
            question=say("read.reply", name=name),
            pending=pending(HEARD_MESSAGE, id=last.id, sender=last.sender_id, more="0"),
        )

    def after_reading(self, turn: SocialTurn) -> Reply:
        """Yes after a message: more to read -> go on; otherwise reply to its sender."""
        data = data_of(turn.state.pending, HEARD_MESSAGE) or {}
        if data.get("more", "0") not in ("", "0"):
            return self.read(turn, after="more")
        sender = self._store.get_user(data.get("sender", ""))
        if sender is None:
            return ask(turn, say("send.lost"))
        return ask(
            turn, question=say("send.what", name=sender.handle),
            directive=ElicitSlot(
                intents.SEND_MESSAGE, intents.SLOT_MESSAGE_TEXT, {intents.SLOT_FRIEND: sender.handle}
            ),
        )

    def _heard(self, turn: SocialTurn) -> tuple[User, Message] | None:
        data = data_of(turn.state.pending, HEARD_MESSAGE) or {}
        me = self._profiles.ensure(turn.user_hash, self._clock())
        message = self._store.get_message(data.get("id", ""))
        if message is None or message.recipient_id != me.id:
            return None
        return me, message

    def delete_heard(self, turn: SocialTurn) -> Reply:
        found = self._heard(turn)
        if found is None:
            return ask(turn, say("heard.none"))
        self._store.update_message(replace(found[1], deleted_by_recipient=True, read=True))
        return ask(turn, say("heard.deleted"))

    def report_heard(self, turn: SocialTurn) -> Reply:
        found = self._heard(turn)
        if found is None:
            return ask(turn, say("heard.none"))
        self._store.update_message(replace(found[1], reported=True, read=True))
        return ask(turn, say("heard.reported"), question=say("heard.block_too"),
                   pending=pending(BLOCK_SENDER, user=found[1].sender_id))

    def heard_sender(self, turn: SocialTurn) -> str:
        """The sender id of the message just read (for "block them"), or ""."""
        found = self._heard(turn)
        return found[1].sender_id if found is not None else ""


def _known(**values: str | None) -> Mapping[str, str]:
    names = {"friend": intents.SLOT_FRIEND, "text": intents.SLOT_MESSAGE_TEXT}
    return {names[k]: v for k, v in values.items() if v}


def _former() -> str:
    return "a former friend"
