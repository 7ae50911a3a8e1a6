"""What the content team does to families: merge, split, rename, and derive for old stores.

Each operation checks everything first and raises FamilyEditError (naming what is wrong)
before it writes, so a refused edit changes nothing. Edited families get origin EDITED, and a
merged family's id is remembered (`absorbed`) so a later import of its listings follows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from knowledge.families.derive import family_id_for_key, plan_families
from knowledge.model import Family, FamilyOrigin
from knowledge.store.base import Store


class FamilyEditError(ValueError):
    """A family edit that cannot be done as asked; nothing was written."""


@dataclass(frozen=True)
class EditResult:
    """The family an edit produced or changed, and how many listings moved."""

    family: Family
    moved: int = 0


def find_family(store: Store, ref: str) -> Family:
    """A family by id, or by its name or a spoken name when exactly one family has it."""
    family = store.get_family(ref)
    if family is not None:
        return family
    wanted = ref.strip().casefold()
    named = [f for f in store.list_families()
             if wanted in {f.name.casefold(), *(n.casefold() for n in f.spoken_names)}]
    if len(named) == 1:
        return named[0]
    if named:
        ids = ", ".join(f.id for f in named)
        raise FamilyEditError(f"family {ref!r} is ambiguous: {ids} (use the id)")
    raise FamilyEditError(f"no family {ref!r} (see `families list`)")


def merge(store: Store, target_ref: str, source_refs: Sequence[str]) -> EditResult:
    """Move every listing of the sources into the target and remove the sources."""
    target = find_family(store, target_ref)
    sources = [find_family(store, ref) for ref in source_refs]
    if any(s.id == target.id for s in sources):
        raise FamilyEditError(f"cannot merge family {target.id} into itself")
    names = dict.fromkeys([*target.spoken_names, *(n for s in sources for n in (s.name, *s.spoken_names))])
    names.pop(target.name, None)
    absorbed = dict.fromkeys([*target.absorbed, *(i for s in sources for i in (s.id, *s.absorbed))])
    merged = replace(target, spoken_names=tuple(names), absorbed=tuple(absorbed), origin=FamilyOrigin.EDITED)
    store.put_families([merged])
    moved = 0
    for source in sources:
        moved += store.set_family([p.id for p in store.listings_of(source.id)], merged.id)
        store.delete_family(source.id)
    return EditResult(merged, moved)


def split(store: Store, family_ref: str, product_ids: Sequence[str], name: str) -> EditResult:
    """Move some listings of a family into a new family called `name`."""
    family = find_family(store, family_ref)
    name = " ".join(name.split())
    if not name:
        raise FamilyEditError("the new family needs a name (--name)")
    listed = {p.id for p in store.listings_of(family.id)}
    outside = [pid for pid in product_ids if pid not in listed]
    if outside:
        raise FamilyEditError(f"product {outside[0]!r} is not a listing of family {family.id}")
    if set(product_ids) >= listed:
        raise FamilyEditError(
            f"that would move every listing of {family.id}; rename the family instead"
        )
    new_id = family_id_for_key(name)
    if store.get_family(new_id) is not None:
        raise FamilyEditError(f"a family {new_id} already exists (merge into it instead)")
    created = Family(new_id, name, (), FamilyOrigin.EDITED)
    # the split-off product is no longer a name of the family it leaves, nor merged into it
    left = replace(
        family,
        spoken_names=tuple(n for n in family.spoken_names if n.casefold() != name.casefold()),
        absorbed=tuple(i for i in family.absorbed if i != new_id),
        origin=FamilyOrigin.EDITED,
    )
    store.put_families([created, left])
    return EditResult(created, store.set_family(list(product_ids), new_id))


def rename(store: Store, family_ref: str, name: str | None = None,
           add_spoken: Sequence[str] = (), remove_spoken: Sequence[str] = ()) -> EditResult:
    """Change a family's name and the spoken names people use for it."""
    family = find_family(store, family_ref)
    new_name = " ".join((name or family.name).split())
    if not new_name:
        raise FamilyEditError("the family name cannot be empty")
    drop = {n.casefold() for n in remove_spoken}
    unknown = drop - {n.casefold() for n in family.spoken_names}
    if unknown:
        raise FamilyEditError(f"family {family.id} has no spoken name {sorted(unknown)[0]!r}")
    names = [n for n in family.spoken_names if n.casefold() not in drop]
    if name and family.name.casefold() != new_name.casefold():
        names.append(family.name)  # the old name stays something people may say
    names.extend(" ".join(n.split()) for n in add_spoken if n.strip())
    kept = {n.casefold(): n for n in names if n.casefold() != new_name.casefold()}
    edited = replace(family, name=new_name, spoken_names=tuple(kept.values()), origin=FamilyOrigin.EDITED)
    store.put_families([edited])
    return EditResult(edited)


def derive_missing(store: Store) -> tuple[int, int]:
    """Give every listing without a family one (a store made before families); returns
    (families created, listings assigned)."""
    orphans = [p for p in store.list_products() if not p.family_id]
    if not orphans:
        return 0, 0
    plan = plan_families(orphans, {}, store.list_families())
    store.put_families(plan.families)
    assigned = 0
    by_family: dict[str, list[str]] = {}
    for product in plan.products:
        by_family.setdefault(product.family_id, []).append(product.id)
    for family_id, ids in by_family.items():
        assigned += store.set_family(ids, family_id)
    return len(plan.families), assigned
