"""Review aspects in DynamoDB: each review item carries `aspects` (aspect -> +1/0/-1), found
once when it is written; the figures per listing and per family are counters kept with the
review counts (see `stats`). Re-analysis rewrites every review's aspects and recounts."""

from __future__ import annotations

from knowledge.model import ReviewStatus
from knowledge.store.dynamodb.client import key
from knowledge.store.dynamodb.reviews import ModeratedPart, read_review
from knowledge.store.dynamodb.stats import StatsPart
from knowledge.store.review_aspects import review_polarities


class AspectPart(ModeratedPart, StatsPart):
    """Re-analysis after the analyser changed (figures are read in `stats`)."""

    def reanalyse_aspects(self) -> int:
        analysed = 0
        for status in ReviewStatus:
            for item in list(self._iter_status("REVIEWS", status, lambda i: i)):
                self._call(
                    "update_item",
                    TableName=self.table_name,
                    Key=key(item["PK"], item["SK"]),
                    UpdateExpression="SET aspects = :a",
                    ConditionExpression="attribute_exists(PK)",
                    ExpressionAttributeValues={":a": review_polarities(read_review(item))},
                )
                analysed += 1
        if not self._legacy():
            self.recount()
        return analysed
