"""The one Store protocol behind everything ShopTalk keeps.

Backends (SQLite, DynamoDB) implement exactly this protocol and pass one contract test suite
(tests/knowledge/test_store_contract.py). Writes are idempotent: putting a record whose id
already exists replaces it with the same content (or is a no-op), never duplicates it, and
`claim_request` lets a caller make any user-triggered write idempotent by Alexa request id.

Ordering rules every backend keeps: reviews of a product and questions of a product are newest
first (by date, then id descending); a question's answers are best first (votes descending,
then newest); `iter_*` walk records in id order; messages are oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from knowledge.model import (
    Answer,
    Family,
    Friendship,
    FriendshipStatus,
    Message,
    Poll,
    Product,
    Question,
    Review,
    ReviewStatus,
    User,
    UserMemory,
    Vote,
)

if TYPE_CHECKING:
    from knowledge.alerts.records import Alert, AlertStatus, Owner
    from knowledge.console.records import Account, AuditEntry


class StoreError(Exception):
    """A store operation failed for a reason the caller can report (not a bug)."""


@dataclass(frozen=True)
class ImportCounts:
    """How many records an `import_batch` newly stored (existing ids are not counted)."""

    products_added: int = 0
    reviews_added: int = 0
    questions_added: int = 0
    answers_added: int = 0
    families_added: int = 0
    # Which records are new, so a search index can add exactly those (not part of equality):
    new_review_ids: tuple[str, ...] = field(default=(), compare=False)
    changed_question_ids: tuple[str, ...] = field(default=(), compare=False)  # new or gained answers

    @property
    def total(self) -> int:
        return self.products_added + self.reviews_added + self.questions_added + self.answers_added


@dataclass(frozen=True)
class StoreCounts:
    """Sizes of the knowledge base, for `stats` and health checks (all moderation states)."""

    products: int = 0
    reviews_published: int = 0
    reviews_pending: int = 0
    reviews_rejected: int = 0
    questions: int = 0
    answers: int = 0

    @property
    def reviews(self) -> int:
        return self.reviews_published + self.reviews_pending + self.reviews_rejected

    def reviews_by_status(self) -> dict[str, int]:
        """{"published": n, "pending": n, "rejected": n}."""
        return {
            ReviewStatus.PUBLISHED.value: self.reviews_published,
            ReviewStatus.PENDING.value: self.reviews_pending,
            ReviewStatus.REJECTED.value: self.reviews_rejected,
        }


@dataclass(frozen=True)
class ProductStats:
    """Review count and average rating of one product over its published reviews."""

    review_count: int = 0
    average_rating: float | None = None  # None when the product has no published review

    def __iter__(self) -> Iterator[int | float | None]:
        """Unpacks as `(review_count, average_rating)`."""
        return iter((self.review_count, self.average_rating))


@dataclass(frozen=True)
class AspectFigure:
    """How a product family's published reviews talk about one aspect: how many mention it,
    and how many of those lean positive or negative (the rest are neutral)."""

    aspect: str
    mentions: int
    positive: int
    negative: int

    @property
    def positive_share(self) -> float:
        return self.positive / self.mentions if self.mentions else 0.0

    @property
    def negative_share(self) -> float:
        return self.negative / self.mentions if self.mentions else 0.0


@runtime_checkable
class Store(Protocol):
    """Persistent home of catalog, reviews, Q&A, users, messages, polls and memory."""

    # --- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""

    # --- catalog ---------------------------------------------------------------------------
    def put_products(self, products: Iterable[Product]) -> int:
        """Insert or replace products; returns how many were new."""

    def get_product(self, product_id: str) -> Product | None: ...

    def list_products(self) -> list[Product]:
        """All products, ordered by name."""

    def remove_product(self, product_id: str) -> bool:
        """Remove a product with its reviews and questions; False when it did not exist."""

    def has_products(self) -> bool:
        """True when at least one product is stored (cheap; used to decide demo seeding)."""

    def catalog_version(self) -> str:
        """A value that changes whenever a product or family is added, changed or removed
        (cheap: one key read), so a process can cache its catalog snapshot until it moves."""

    def product_stats(self, product_id: str) -> ProductStats:
        """Count and average rating of the product's published reviews."""

    # --- bulk import -----------------------------------------------------------------------
    # families: the listings of one product (see knowledge.families)
    def put_families(self, families: Iterable[Family]) -> int:
        """Insert or replace families by id; returns how many were new."""

    def get_family(self, family_id: str) -> Family | None: ...

    def list_families(self) -> list[Family]:
        """Every family, ordered by name."""

    def delete_family(self, family_id: str) -> bool:
        """Remove an empty family; StoreError while listings still belong to it."""

    def set_family(self, product_ids: Sequence[str], family_id: str) -> int:
        """Move listings into a family (both must exist); returns how many moved."""

    def listings_of(self, family_id: str) -> list[Product]:
        """The family's listings, ordered by name."""

    def family_stats(self, family_id: str) -> ProductStats:
        """Review count and average rating over every listing of the family."""

    # aspects: what each review talks about, found once when the review is written
    def family_aspects(self, family_id: str) -> list[AspectFigure]:
        """The aspects the family's published reviews mention, most mentioned first."""

    def product_aspects(self, product_id: str) -> list[AspectFigure]:
        """The aspects one listing's published reviews mention, most mentioned first."""

    def reanalyse_aspects(self) -> int:
        """Find the aspects of every review again (after the analyser changed); returns how
        many reviews were analysed."""

    def import_batch(
        self,
        products: Iterable[Product] = (),
        reviews: Iterable[Review] = (),
        questions: Iterable[Question] = (),
        families: Iterable[Family] = (),
    ) -> ImportCounts:
        """Store products, reviews and questions (with answers) all-or-nothing.

        Idempotent: records whose id is already stored are skipped (products are replaced,
        which keeps their reviews; a stored question gains the batch's new answers), so
        re-importing the same file adds nothing. Any failure leaves the store as it was: store
        failures (invalid record, unknown product, backend error) raise StoreError naming the
        record and field; an exception raised by the iterables themselves (an importer's parse
        error) propagates unchanged. Reviews and questions may refer to products stored
        earlier or in the same batch.
        """

    def counts(self) -> StoreCounts:
        """How many products, reviews by status, questions and answers are stored."""

    # --- reviews ---------------------------------------------------------------------------
    def put_reviews(self, reviews: Iterable[Review]) -> int:
        """Insert reviews not stored yet (by id); returns how many were new.

        A stored review is never overwritten (its moderation state survives re-imports);
        StoreError for an invalid rating or an unknown product."""

    def get_review(self, review_id: str) -> Review | None: ...

    def reviews_for(
        self, product_id: str, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> list[Review]:
        """Reviews of one product (all statuses when `status` is None), newest first."""

    def iter_reviews(self, status: ReviewStatus | None = ReviewStatus.PUBLISHED) -> Iterator[Review]:
        """Every review, in a stable order (for indexing and export)."""

    def recent_reviews(
        self,
        product_id: str,
        since_date: str,
        status: ReviewStatus | None = ReviewStatus.PUBLISHED,
    ) -> list[Review]:
        """Reviews of one product dated on or after `since_date` (YYYY-MM-DD), newest first."""

    def set_review_status(self, review_id: str, status: ReviewStatus) -> bool:
        """Change a review's moderation state; False when it does not exist."""

    def delete_review(self, review_id: str) -> bool: ...

    def reviews_by_user(self, user_id: str) -> list[Review]: ...

    # --- community Q&A ---------------------------------------------------------------------
    def put_questions(self, questions: Iterable[Question]) -> int:
        """Insert questions (with their answers) not stored yet; returns how many were new."""

    def add_answer(self, answer: Answer) -> bool:
        """Attach an answer to its question; False when the answer id already exists,
        StoreError when the question does not."""

    def get_question(self, question_id: str) -> Question | None: ...

    def questions_for(
        self, product_id: str, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> list[Question]:
        """Questions of one product, newest first.

        With a `status`, only questions in that state, each carrying only its answers in that
        same state; with None, everything. `get_question` always carries every answer.
        """

    def iter_questions(
        self, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> Iterator[Question]:
        """Every question in id order, answers filtered as in `questions_for`."""

    def get_answer(self, answer_id: str) -> Answer | None: ...

    def iter_answers(self, status: ReviewStatus | None = ReviewStatus.PUBLISHED) -> Iterator[Answer]:
        """Every answer in id order (e.g. pending answers on published questions, for moderation)."""

    def set_question_status(self, question_id: str, status: ReviewStatus) -> bool: ...

    def set_answer_status(self, answer_id: str, status: ReviewStatus) -> bool: ...

    def questions_by_user(self, user_id: str) -> list[Question]: ...

    def answers_by_user(self, user_id: str) -> list[Answer]: ...

    def delete_answer(self, answer_id: str) -> bool: ...

    def delete_question(self, question_id: str) -> bool: ...

    # --- users and friends -----------------------------------------------------------------
    def put_user(self, user: User) -> None:
        """Insert or replace a user; StoreError when its handle (case-insensitive), friend code
        or Alexa hash already belongs to another user."""

    def get_user(self, user_id: str) -> User | None: ...

    def user_by_alexa_hash(self, alexa_user_hash: str) -> User | None: ...

    def user_by_friend_code(self, friend_code: str) -> User | None:
        """Lookup ignoring case and extra spaces ("Tiger  Four two" finds "tiger four two")."""

    def user_by_handle(self, handle: str) -> User | None:
        """Lookup ignoring case and extra spaces."""

    def delete_user(self, user_id: str) -> bool:
        """Delete the user and its friendships in both directions (messages, votes and memory
        have their own delete methods); False when it did not exist."""

    def put_friendship(self, friendship: Friendship) -> None:
        """Insert or replace the directed relation (user_id -> other_id)."""

    def friendships_of(
        self, user_id: str, status: FriendshipStatus | None = None
    ) -> list[Friendship]:
        """Relations starting at `user_id`."""

    def friendships_to(
        self, user_id: str, status: FriendshipStatus | None = None
    ) -> list[Friendship]:
        """Relations ending at `user_id` (e.g. pending requests to accept)."""

    def delete_friendship(self, user_id: str, other_id: str) -> bool: ...

    # --- messages --------------------------------------------------------------------------
    def put_message(self, message: Message) -> bool:
        """Store a message; False when its id already exists (idempotent retry)."""

    def get_message(self, message_id: str) -> Message | None: ...

    def messages_to(self, recipient_id: str, unread_only: bool = False) -> list[Message]:
        """Messages to one user, oldest first, excluding those the recipient deleted."""

    def messages_between(self, user_a: str, user_b: str) -> list[Message]:
        """The whole conversation of two users, oldest first (for dispute review)."""

    def reported_messages(self) -> list[Message]: ...

    def update_message(self, message: Message) -> None:
        """Replace a stored message (read flag, deletion by recipient, report); StoreError when
        no message has its id."""

    def delete_messages_of(self, user_id: str) -> int:
        """Delete every message a user sent or received; returns how many."""

    # --- polls -----------------------------------------------------------------------------
    def put_poll(self, poll: Poll) -> None: ...

    def get_poll(self, poll_id: str) -> Poll | None: ...

    def list_polls(self) -> list[Poll]: ...

    def put_vote(self, vote: Vote) -> None:
        """Insert or replace the user's vote in a poll (one vote per user, changeable);
        StoreError when the poll does not exist."""

    def votes_for(self, poll_id: str) -> list[Vote]: ...

    def delete_votes_of(self, user_id: str) -> int: ...

    # --- memory ----------------------------------------------------------------------------
    def get_memory(self, user_id: str) -> UserMemory | None: ...

    def put_memory(self, memory: UserMemory) -> None: ...

    def delete_memory(self, user_id: str) -> bool: ...

    # --- idempotency -----------------------------------------------------------------------
    def claim_request(self, request_id: str, purpose: str) -> bool:
        """Atomically record that `request_id` did `purpose`; False if it already had.

        A handler calls this before a user-triggered write so that Alexa's retry of the same
        request never writes twice.
        """

    # --- key/value metadata (schema versions, index fingerprints, ...) -------------------
    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    # --- the content-team console (knowledge.console) and alerts (knowledge.alerts) ------
    def put_account(self, account: Account) -> None:
        """Insert or replace a console account (names are case-insensitive)."""

    def get_account(self, name: str) -> Account | None: ...

    def list_accounts(self) -> list[Account]:
        """Every console account, ordered by name."""

    def append_audit(self, entry: AuditEntry) -> None:
        """Add one audit entry (an entry whose time and id are stored already is kept once)."""

    def audit_log(self, since: str = "", action: str | None = None, limit: int = 500) -> list[AuditEntry]:
        """Audit entries at or after `since` (ISO time; "" for the last month at least), of one
        `action` if given, newest first, at most `limit`."""

    def put_owner(self, owner: Owner) -> None: ...

    def list_owners(self) -> list[Owner]:
        """Every owner, by scope, value, then rank."""

    def delete_owner(self, owner_id: str) -> bool: ...

    def add_alert(self, alert: Alert) -> bool:
        """Store a new alert; False (and nothing written) when its id is stored already."""

    def put_alert(self, alert: Alert) -> None:
        """Replace a stored alert (status changes, escalation)."""

    def get_alert(self, alert_id: str) -> Alert | None: ...

    def list_alerts(self, status: AlertStatus | None = None) -> list[Alert]:
        """Alerts newest first, of one status if given."""

    def claim_delivery(self, alert_id: str, delivery: str) -> bool:
        """Atomically record that `delivery` (owner, channel) of an alert is being sent; False
        when it was claimed before, so it is never sent twice."""

    def release_delivery(self, alert_id: str, delivery: str) -> None:
        """Drop a claim whose sending failed, so the next run retries it."""

    def deliveries_of(self, alert_id: str) -> list[str]: ...
