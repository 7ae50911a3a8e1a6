"""Families for a batch of listings: keep what the store (or an editor) decided, derive the rest.

A listing already stored keeps its family, so re-imports never undo a merge or a split. A
listing that names its family (a parent id from the source, a `family_id` in JSONL) joins it;
every other listing joins the family its title's key names (see `titles`), created when new.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from knowledge.families.titles import family_key, spoken_names
from knowledge.ids import stable_id
from knowledge.model import Family, FamilyOrigin, Product

_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 48


def family_id_for_key(key: str) -> str:
    """A readable, stable id for a title key ("fire hd 8" -> "fam-fire-hd-8")."""
    slug = _SLUG.sub("-", key.lower()).strip("-")
    if not slug:
        return stable_id("family", key)
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rstrip("-") + "-" + stable_id("family", key)[-6:]
    return f"fam-{slug}"


def family_id_for_parent(parent_id: str) -> str:
    """The family id of listings sharing a source parent id ("B00X" -> "fam-b00x")."""
    return family_id_for_key(parent_id)


@dataclass(frozen=True)
class FamilyPlan:
    """What a batch adds: families new to the store, and every product with its family set."""

    families: tuple[Family, ...]
    products: tuple[Product, ...]


def plan_families(
    products: Sequence[Product],
    stored_family_of: Mapping[str, str],
    known: Iterable[Family],
    named: Iterable[Family] = (),
) -> FamilyPlan:
    """Assign a family to each product (see the module docstring).

    `stored_family_of` maps product ids already in the store to their family id; `known` are
    the store's families; `named` are families the batch itself declares (JSONL records).
    """
    known_by_id = {f.id: f for f in known}
    redirect = {old: f.id for f in known_by_id.values() for old in f.absorbed if old not in known_by_id}
    declared = {f.id: f for f in named}
    members: dict[str, list[Product]] = {}
    origin: dict[str, FamilyOrigin] = {}
    assigned: list[Product] = []
    for product in products:
        family_id = stored_family_of.get(product.id, "")
        if not family_id and product.family_id:
            family_id, how = product.family_id, FamilyOrigin.PARENT
        elif not family_id:
            family_id = family_id_for_key(family_key(product.name, product.brand, product.category))
            how = FamilyOrigin.TITLE
        else:
            how = FamilyOrigin.TITLE
        family_id = redirect.get(family_id, family_id)
        members.setdefault(family_id, []).append(product)
        origin.setdefault(family_id, how)
        assigned.append(product if product.family_id == family_id else replace(product, family_id=family_id))
    new: list[Family] = []
    for family_id, listings in members.items():
        if family_id in known_by_id:
            continue
        if family_id in declared:
            new.append(declared[family_id])
            continue
        first = listings[0]
        names = spoken_names(sorted(p.name for p in listings), first.brand, first.category)
        new.append(Family(family_id, names[0], names[1:], origin[family_id]))
    new.extend(f for f in declared.values() if f.id not in members and f.id not in known_by_id)
    return FamilyPlan(tuple(new), tuple(assigned))
