"""The ShopTalk table's key layout, its access patterns and its CreateTable parameters.

Why one table: every access pattern is a GetItem or a Query on the table or one of three
overloaded global secondary indexes, so the skill never scans, and one table is one thing to
provision, back up and grant to the Lambda role.

Table `shoptalk` (name configurable): key PK (S, hash) + SK (S, range); GSI1, GSI2, GSI3 with
keys GSI1PK/GSI1SK, GSI2PK/GSI2SK, GSI3PK/GSI3SK (all S); on-demand billing; TTL attribute
`expires_at` (epoch seconds: request claims, hourly send counters). This is layout 2 (the meta
item `META#dynamodb_layout`; see `layout` for layout 1 and the migration). Items
(<s> is a shard `00`..`15`, a stable hash of the record's own id):

  record        PK                  SK              GSI1 (PK / SK)             GSI2 (PK / SK)        GSI3 (PK / SK)
  product       PRODUCT#<id>        PRODUCT         PRODUCTS#<s> /             FAMILY#<family> /     -
                                                    <name>#<id>                <name>#<id>
  listing figs  PRODUCT#<id>        STATS           -                          -                     -
  family        FAMILY#<id>         FAMILY          FAMILIES#<s> / <name>#<id> -                     -
  family figs   FAMILY#<id>         STATS           -                          -                     -
  review        REVIEW#<id>         REVIEW          PRODUCT#<pid> /            REVIEWS#<status>#<s>  AUTHOR#<user> /
                                                    REVIEW#<date>#<id>         / <id>                REVIEW#<date>#<id>
  question      QUESTION#<id>       QUESTION        PRODUCT#<pid> /            QUESTIONS#<status>#<s> AUTHOR#<user> /
                                                    QUESTION#<date>#<id>       / <id>                QUESTION#<date>#<id>
  answer        ANSWER#<id>         ANSWER          QUESTION#<qid> /           ANSWERS#<status>#<s>  AUTHOR#<user> /
                                                    ANSWER#<id>                / <id>                ANSWER#<date>#<id>
  user          USER#<id>           PROFILE         -                          -                     -
  lookups       ALEXA#<hash> | HANDLE#<handle> | FRIENDCODE#<code>, SK LOOKUP, attribute user_id
  friendship    USER#<id>           FRIEND#<other>  FRIENDTO#<other> / <id>    -                     -
  send counter  USER#<id>           SENT#<hour>     -                          -                     -
  message       MSG#<id>            MSG             INBOX#<recipient> /        REPORTED (only when   OUTBOX#<sender> /
                                                    <created_at>#<id>          reported) / <at>#<id> <created_at>#<id>
  poll          POLL#<id>           POLL            POLLS / <created_at>#<id>  -                     -
  vote          POLL#<poll id>      VOTE#<user>     -                          -                     VOTER#<user> / <poll>
  memory        USER#<id>           MEMORY          -                          -                     -
  request claim REQ#<request id>    CLAIM#<purpose> -                          -                     -
  meta          META#<key>          META            -                          -                     -
                (META#catalog holds the catalog version, META#dynamodb_layout the layout)

(AUTHOR#/REVIEW# etc. in GSI3 are written only for content a ShopTalk user left by voice.)
Handles and friend codes are keyed in lower case with single spaces, so lookups ignore case.

Access patterns. Per voice turn, all by key or within one record's own partition:
  user, memory, poll, message, claim       GetItem (lookup item, then USER#<id>)
  catalog version (every 2 s per linker)   GetItem META#catalog; the product and family lists
                                           (Query GSI1 PRODUCTS#<s>, FAMILIES#<s>, 32 queries)
                                           are read only when it changed
  listing or family figures                GetItem PRODUCT#<id>/STATS or FAMILY#<id>/STATS:
                                           count, rating sum, per-star and per-aspect counters
  reviews and questions of a product       Query GSI1 PRODUCT#<id> (REVIEW#/QUESTION# prefix)
  answers of a question, inbox, friends    Query GSI1 QUESTION#<id>, INBOX#<user>, FRIENDTO#<id>
  votes of a poll                          Query POLL#<id> with the VOTE# prefix
  a new review, message, vote              one TransactWriteItems (record, claim, counters)
Off the request path (index builds, moderation, the CLI, erasure): Query GSI2
REVIEWS#<status>#<s> over all shards merged by id, GSI2 FAMILY#<id>, REPORTED, GSI3
AUTHOR#/OUTBOX#/VOTER#, then BatchGetItem for the records.

Hot keys: the lists every record of a kind shares (products, families, each moderation
status) are spread over 16 shard keys, so an import's writes and an index build's reads
spread over 16 partitions instead of one. POLLS and REPORTED stay single keys (a few items,
written by people, not imports). A listing's and a family's counter items take one write per
new or moderated review of that listing or family.

Projections: GSI1 projects ALL because its queries read whole records on the request path (a
product's reviews and questions, an inbox). GSI2 projects (INCLUDE) only the fields its status
lists read: every container's search index reads all published reviews and questions through
it when it opens, and fetching them by key instead would cost one strongly consistent read
unit per record (measured on the demo catalog: 711 read units for the first product answer
against 6.5). Its other lists (a family's listings, reported messages) are read as keys and
fetched by BatchGetItem. GSI3 projects KEYS_ONLY: its readers (erasure, a user's own content)
fetch the records by key. A review body is thus stored three times, not four, and the
`aspects` map and versions only in the table and GSI1. The store reads GSI2's family and
REPORTED lists and GSI3 as keys, so tables created with ALL projections work unchanged.
"""

from __future__ import annotations

from typing import Any

from knowledge.model import ReviewStatus
from knowledge.store.base import StoreError
from knowledge.store.dynamodb.client import client_errors
from knowledge.store.dynamodb.layout import LAYOUT, layout_item

REQUEST_CLAIM_TTL_S = 7 * 24 * 3600  # Alexa retries within seconds; a week is generous
STATUSES = tuple(ReviewStatus)
# What each index copies of an item (see the docstring): GSI2 the fields the status lists read
# (reviews, questions, answers: everything but the aspects map and the versions), GSI3 keys.
STATUS_LIST_ATTRIBUTES = (
    "id", "product_id", "question_id", "rating", "title", "text", "author", "date", "status", "user_id", "votes",
    "source", "source_file", "source_line",
)
INDEX_PROJECTIONS: dict[str, dict[str, Any]] = {
    "GSI1": {"ProjectionType": "ALL"},
    "GSI2": {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(STATUS_LIST_ATTRIBUTES)},
    "GSI3": {"ProjectionType": "KEYS_ONLY"},
}
KEY_ATTRIBUTES = ("PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK")


def table_definition(table_name: str) -> dict[str, Any]:
    """The CreateTable parameters of the ShopTalk table (mirror them in template.yaml)."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in KEY_ATTRIBUTES],
        "KeySchema": [
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": f"GSI{n}",
                "KeySchema": [
                    {"AttributeName": f"GSI{n}PK", "KeyType": "HASH"},
                    {"AttributeName": f"GSI{n}SK", "KeyType": "RANGE"},
                ],
                "Projection": INDEX_PROJECTIONS[f"GSI{n}"],
            }
            for n in (1, 2, 3)
        ],
    }


def create_table(resource: Any, table_name: str) -> None:
    """Create the table (see `table_definition`) with TTL on `expires_at`, stamped with the
    current key layout, and wait for it."""
    client = resource.meta.client
    try:
        client.create_table(**table_definition(table_name))
        client.get_waiter("table_exists").wait(TableName=table_name)
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
        )
        client.put_item(TableName=table_name, Item=layout_item(LAYOUT))  # resource clients take plain values
    except client_errors() as exc:
        raise StoreError(f"cannot create DynamoDB table {table_name}: {exc}") from exc

