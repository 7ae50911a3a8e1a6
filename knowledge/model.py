"""Plain, typed records of the ShopTalk knowledge base.

Every record is a frozen dataclass so it can be hashed, compared and shared between threads
without copying. Nothing here knows about storage or Alexa; stores translate these records
to rows or items and back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ReviewStatus(str, enum.Enum):
    """Moderation state of user content; only PUBLISHED content is searchable or spoken."""

    PUBLISHED = "published"
    PENDING = "pending"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Provenance:
    """Where a record came from, so every spoken claim can be traced to its source."""

    source: str  # e.g. "demo", "datafiniti", "alexa-tsv", "mcauley-qa", "jsonl", "voice"
    source_file: str = ""
    source_line: int = 0


@dataclass(frozen=True)
class Product:
    """A catalog product; `id` is the catalog id (an ASIN where one is known)."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    brand: str = ""
    category: str = ""
    provenance: Provenance = Provenance("unknown")
    family_id: str = ""  # the Family this listing belongs to; empty until families are derived


class FamilyOrigin(str, enum.Enum):
    """How a family came to be: from the source's parent id, from titles, or by an editor."""

    PARENT = "parent"
    TITLE = "title"
    EDITED = "edited"


@dataclass(frozen=True)
class Family:
    """One product as people talk about it, grouping its listings (colours, capacities, bundles).

    `name` is what ShopTalk says and the main name people say ("Fire HD 8"); `spoken_names`
    are further names they use ("fire hd eight", "the hd 8"). Listings point at their family
    through `Product.family_id`, so membership has one source of truth.
    """

    id: str
    name: str
    spoken_names: tuple[str, ...] = ()
    origin: FamilyOrigin = FamilyOrigin.TITLE
    absorbed: tuple[str, ...] = ()  # ids of families merged into this one; new listings follow


@dataclass(frozen=True)
class Review:
    """A customer review of one product, rating 1-5."""

    id: str
    product_id: str
    rating: int
    text: str
    title: str = ""
    author: str = ""
    date: str = ""  # ISO 8601 date (YYYY-MM-DD) or empty when unknown
    status: ReviewStatus = ReviewStatus.PUBLISHED
    provenance: Provenance = Provenance("unknown")
    user_id: str = ""  # the internal user id of a review left by voice; empty for imports


@dataclass(frozen=True)
class Answer:
    """One community answer to a question."""

    id: str
    question_id: str
    text: str
    author: str = ""
    date: str = ""
    votes: int = 0
    status: ReviewStatus = ReviewStatus.PUBLISHED
    provenance: Provenance = Provenance("unknown")
    user_id: str = ""


@dataclass(frozen=True)
class Question:
    """A community question about one product, with its answers."""

    id: str
    product_id: str
    text: str
    author: str = ""
    date: str = ""
    answers: tuple[Answer, ...] = ()
    status: ReviewStatus = ReviewStatus.PUBLISHED
    provenance: Provenance = Provenance("unknown")
    user_id: str = ""


@dataclass(frozen=True)
class User:
    """A ShopTalk user. `id` is internal; the Alexa user id is only ever stored hashed."""

    id: str
    alexa_user_hash: str
    handle: str  # public name friends know the user by
    friend_code: str  # short speakable code, e.g. "tiger four two"
    created_at: str = ""


class FriendshipStatus(str, enum.Enum):
    """A friend request is PENDING until the other side accepts it."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Friendship:
    """A directed relation from `user_id` to `other_id`."""

    user_id: str
    other_id: str
    status: FriendshipStatus
    created_at: str = ""


@dataclass(frozen=True)
class Message:
    """A private message; `text` is already moderated (redacted and masked) when stored."""

    id: str
    sender_id: str
    recipient_id: str
    text: str
    created_at: str
    read: bool = False
    deleted_by_recipient: bool = False
    reported: bool = False


@dataclass(frozen=True)
class PollOption:
    """One choice of a poll (for open polls, a moderated user suggestion)."""

    id: str
    text: str


@dataclass(frozen=True)
class Poll:
    """A content-team poll: a question with options, or an open question collecting suggestions."""

    id: str
    question: str
    options: tuple[PollOption, ...]
    ends_at: str  # ISO 8601 timestamp
    open_ended: bool = False
    created_at: str = ""


@dataclass(frozen=True)
class Vote:
    """A user's single, changeable vote in a poll."""

    poll_id: str
    user_id: str
    option_id: str
    cast_at: str = ""


@dataclass(frozen=True)
class UserMemory:
    """Long-term memory of one user: what they discussed, like and are interested in."""

    user_id: str
    products_discussed: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    opinions: tuple[tuple[str, str], ...] = ()  # (topic, what the user said)
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
