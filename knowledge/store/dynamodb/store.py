"""The composition root of the DynamoDB store: one class made of one part per record family.

Each part is a `TableAccess` subclass in a module of its own that holds the methods and the
item conversions of its records; they share only the table plumbing. To add a record family,
write its part module and add the part to `DynamoDBStore`'s bases (and its keys to the layout
table in `schema`).
"""

from __future__ import annotations

from knowledge.store.dynamodb.aspects import AspectPart
from knowledge.store.dynamodb.catalog import CatalogPart
from knowledge.store.dynamodb.console import ConsolePart
from knowledge.store.dynamodb.families import FamilyPart
from knowledge.store.dynamodb.imports import ImportPart
from knowledge.store.dynamodb.memory import MemoryPart
from knowledge.store.dynamodb.messages import MessagePart
from knowledge.store.dynamodb.polls import PollPart
from knowledge.store.dynamodb.questions import QuestionPart
from knowledge.store.dynamodb.reviews import ReviewPart
from knowledge.store.dynamodb.users import UserPart


class DynamoDBStore(
    FamilyPart,  # builds on CatalogPart (families bump the catalog version), so it comes first
    CatalogPart,
    AspectPart,
    ImportPart,
    ReviewPart,
    QuestionPart,
    UserPart,
    MessagePart,
    PollPart,
    MemoryPart,
    ConsolePart,
):
    """The Store protocol on one DynamoDB table (see `knowledge.store.dynamodb.schema` for the
    key layout); built as `DynamoDBStore(table_name, boto3_resource)`."""
