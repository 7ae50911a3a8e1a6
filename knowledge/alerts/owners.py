"""Who owns a product: owners of its family first, then of its brand, then of its category,
each group by rank. That order is also the escalation chain."""

from __future__ import annotations

from knowledge.alerts.records import Owner, OwnerScope
from knowledge.ids import stable_id
from knowledge.model import Product
from knowledge.store.base import Store
from knowledge.store.validation import lookup_key

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class OwnerError(ValueError):
    """An owner cannot be stored as given (the message names the field)."""


def new_owner(name: str, scope: str, value: str, email: str = "", webhook_url: str = "",
              rank: int = 0, sns_topic_arn: str = "") -> Owner:
    import re

    name, value, email, webhook_url = (" ".join(name.split()), value.strip(), email.strip(), webhook_url.strip())
    if not name:
        raise OwnerError("name: empty")
    try:
        kind = OwnerScope(scope)
    except ValueError:
        raise OwnerError(f"scope: {scope!r} is not family, brand or category") from None
    if not value:
        raise OwnerError(f"{kind.value}: empty")
    if email and not re.match(EMAIL_PATTERN, email):
        raise OwnerError(f"email: {email!r} is not an e-mail address")
    if webhook_url and not webhook_url.startswith(("http://", "https://")):
        raise OwnerError(f"webhook: {webhook_url!r} is not an http(s) URL")
    if sns_topic_arn and not sns_topic_arn.startswith("arn:"):
        raise OwnerError(f"sns_topic_arn: {sns_topic_arn!r} is not an ARN")
    if not (email or webhook_url or sns_topic_arn):
        raise OwnerError("give an e-mail address, a webhook URL or an SNS topic")
    return Owner(stable_id("owner", kind.value, lookup_key(value), name.casefold(), str(rank)), name, kind, value,
                 rank, email, webhook_url, sns_topic_arn)


def chain_for(product: Product | None, owners: list[Owner]) -> list[Owner]:
    """The owners responsible for `product`, in escalation order."""
    if product is None:
        return []
    wanted = ((OwnerScope.FAMILY, product.family_id), (OwnerScope.BRAND, product.brand),
              (OwnerScope.CATEGORY, product.category))
    chain: list[Owner] = []
    for scope, value in wanted:
        if not value:
            continue
        key = value.casefold() if scope is OwnerScope.FAMILY else lookup_key(value)
        group = [o for o in owners if o.scope is scope
                 and (o.value.casefold() if scope is OwnerScope.FAMILY else lookup_key(o.value)) == key]
        chain.extend(sorted(group, key=lambda o: (o.rank, o.id)))
    return chain


def chain_of(store: Store, product_id: str) -> list[Owner]:
    return chain_for(store.get_product(product_id), store.list_owners())
