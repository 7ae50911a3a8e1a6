"""The production store: one DynamoDB table through boto3 (single-table design).

The package holds one module per part: `schema` (key layout, CreateTable parameters), `guard`
(time limits of a voice turn), `client` (the shared table plumbing), `catalog`, `imports`,
`reviews`, `questions`, `users`, `messages`, `polls`, `memory` (memory, request claims,
metadata), `writes` (claims written with their records, version-conditioned updates), and
`store`, which composes them into `DynamoDBStore`. boto3 is never imported at import time;
callers pass a DynamoDB service resource.
"""

from __future__ import annotations

from knowledge.store.dynamodb.client import MAX_ITEM_BYTES, dynamodb_resource
from knowledge.store.dynamodb.guard import DynamoDBTimeouts, StoreUnavailable
from knowledge.store.dynamodb.schema import REQUEST_CLAIM_TTL_S, create_table, table_definition
from knowledge.store.dynamodb.messages import RateLimited
from knowledge.store.dynamodb.store import DynamoDBStore
from knowledge.store.dynamodb.writes import StoreConflict

__all__ = [
    "MAX_ITEM_BYTES",
    "REQUEST_CLAIM_TTL_S",
    "DynamoDBStore",
    "DynamoDBTimeouts",
    "RateLimited",
    "StoreConflict",
    "StoreUnavailable",
    "create_table",
    "dynamodb_resource",
    "table_definition",
]
