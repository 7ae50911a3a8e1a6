"""The families part of the Store contract, run on every backend through the `store` fixture."""

from __future__ import annotations

import pytest

from knowledge.model import Family, FamilyOrigin, Product, Review, ReviewStatus
from knowledge.store.base import Store, StoreError

FIRE = Family("fam-fire-hd-8", "Fire HD 8", ("fire hd eight",), FamilyOrigin.TITLE)
KIDS = Family("fam-fire-hd-8-kids", "Fire HD 8 Kids Edition", (), FamilyOrigin.TITLE)


def listing(pid: str, name: str, family_id: str = "") -> Product:
    return Product(id=pid, name=name, brand="Amazon", category="devices", family_id=family_id)


def review(rid: str, pid: str, rating: int) -> Review:
    return Review(id=rid, product_id=pid, rating=rating, text=f"text {rid}", date="2024-01-01")


def seed(store: Store) -> None:
    store.import_batch(
        products=[
            listing("blue16", "Fire HD 8 Tablet, 16 GB, Blue", FIRE.id),
            listing("black32", "Fire HD 8 Tablet, 32 GB, Black", FIRE.id),
            listing("kids", "Fire HD 8 Kids Edition Tablet", KIDS.id),
        ],
        reviews=[review("r1", "blue16", 5), review("r2", "blue16", 4), review("r3", "black32", 3),
                 review("r4", "kids", 1)],
        families=[FIRE, KIDS],
    )


def test_families_are_stored_listed_by_name_and_counted_as_new_once(store: Store) -> None:
    seed(store)
    assert [f.id for f in store.list_families()] == [FIRE.id, KIDS.id]
    assert store.get_family(FIRE.id) == FIRE
    assert store.get_family("fam-nope") is None
    assert store.put_families([FIRE, KIDS]) == 0
    renamed = Family(FIRE.id, "Fire HD Eight", ("fire hd 8",), FamilyOrigin.EDITED)
    assert store.put_families([renamed]) == 0
    assert store.get_family(FIRE.id) == renamed


def test_listings_and_figures_are_per_family(store: Store) -> None:
    seed(store)
    assert [p.id for p in store.listings_of(FIRE.id)] == ["blue16", "black32"]  # by name
    assert store.get_product("blue16").family_id == FIRE.id  # type: ignore[union-attr]
    stats = store.family_stats(FIRE.id)
    assert stats.review_count == 3 and stats.average_rating == pytest.approx(4.0)
    assert store.family_stats(KIDS.id).review_count == 1
    assert store.family_stats("fam-empty").review_count == 0


def test_moving_listings_and_deleting_an_emptied_family(store: Store) -> None:
    seed(store)
    with pytest.raises(StoreError, match="still has 1 listing"):
        store.delete_family(KIDS.id)
    assert store.set_family(["kids"], FIRE.id) == 1
    assert store.set_family(["kids"], FIRE.id) == 0  # already there: nothing moves twice
    assert store.family_stats(FIRE.id).review_count == 4
    assert store.delete_family(KIDS.id) is True
    assert store.delete_family(KIDS.id) is False
    with pytest.raises(StoreError, match="unknown family"):
        store.set_family(["kids"], "fam-nope")
    with pytest.raises(StoreError, match="unknown product"):
        store.set_family(["nope"], FIRE.id)


def test_a_listing_written_without_a_family_keeps_the_one_it_has(store: Store) -> None:
    seed(store)
    store.put_products([listing("blue16", "Fire HD 8 Tablet, 16 GB, Blue (renamed)")])
    kept = store.get_product("blue16")
    assert kept is not None and kept.family_id == FIRE.id and kept.name.endswith("(renamed)")
    assert "blue16" in {p.id for p in store.listings_of(FIRE.id)}


def test_a_family_without_a_name_is_refused_naming_the_field(store: Store) -> None:
    with pytest.raises(StoreError, match="family fam-x: field 'name'"):
        store.put_families([Family("fam-x", "")])


def test_aspect_figures_follow_every_write_and_moderation_decision(store: Store) -> None:
    store.import_batch(
        products=[listing("blue16", "Fire HD 8 Tablet, 16 GB, Blue", FIRE.id),
                  listing("black32", "Fire HD 8 Tablet, 32 GB, Black", FIRE.id)],
        reviews=[
            Review(id="a1", product_id="blue16", rating=5, text="The screen is gorgeous and bright."),
            Review(id="a2", product_id="black32", rating=2, text="The battery dies fast but the screen is great."),
            Review(id="a3", product_id="black32", rating=1, text="Battery is terrible.", status=ReviewStatus.PENDING),
        ],
        families=[FIRE],
    )
    figures = {f.aspect: f for f in store.family_aspects(FIRE.id)}
    assert (figures["screen"].mentions, figures["screen"].positive, figures["screen"].negative) == (2, 2, 0)
    assert (figures["battery"].mentions, figures["battery"].negative) == (1, 1)
    assert store.family_aspects(FIRE.id)[0].aspect == "screen"  # most mentioned first
    assert {f.aspect for f in store.product_aspects("blue16")} == {"screen"}
    store.set_review_status("a3", ReviewStatus.PUBLISHED)  # a moderator publishes it
    assert {f.aspect: f.mentions for f in store.family_aspects(FIRE.id)}["battery"] == 2
    store.delete_review("a2")
    store.put_reviews([Review(id="a4", product_id="blue16", rating=4, text="Nice screen, slow apps.")])
    figures = {f.aspect: f for f in store.family_aspects(FIRE.id)}
    assert figures["screen"].mentions == 2 and figures["battery"].mentions == 1 and "app" in figures
    assert store.reanalyse_aspects() == 3
    assert {f.aspect: f.mentions for f in store.family_aspects(FIRE.id)} == {
        a: f.mentions for a, f in figures.items()}


def test_the_catalog_version_moves_with_every_catalog_change_and_only_then(store: Store) -> None:
    versions = [store.catalog_version()]

    def moved() -> bool:
        versions.append(store.catalog_version())
        return versions[-1] != versions[-2]

    seed(store)
    assert moved(), "an import of products and families"
    store.put_reviews([review("r9", "blue16", 2)])
    store.set_review_status("r9", ReviewStatus.REJECTED)
    assert not moved(), "reviews are not the catalog: a cached catalog stays valid"
    store.put_products([listing("new", "Echo Pop")])
    assert moved(), "a new product"
    store.put_products([listing("new", "Echo Pop (2023)")])
    assert moved(), "a renamed product"
    store.set_family(["kids"], FIRE.id)
    assert moved(), "a listing moved to another family"
    store.put_families([Family(FIRE.id, "Fire HD Eight", ("fire hd 8",), FamilyOrigin.EDITED)])
    assert moved(), "a renamed family"
    store.delete_family(KIDS.id)
    assert moved(), "a deleted family"
    store.remove_product("new")
    assert moved(), "a removed product"
    assert not moved(), "reading it twice"


def test_figures_move_with_their_listing_and_leave_with_it(store: Store) -> None:
    seed(store)
    store.set_family(["blue16"], KIDS.id)  # two reviews (5, 4) leave FIRE for KIDS
    fire, kids = store.family_stats(FIRE.id), store.family_stats(KIDS.id)
    assert (fire.review_count, fire.average_rating) == (1, pytest.approx(3.0))
    assert (kids.review_count, kids.average_rating) == (3, pytest.approx(10 / 3))
    store.put_products([listing("black32", "Fire HD 8 Tablet, 32 GB, Black", KIDS.id)])  # re-imported elsewhere
    assert store.family_stats(FIRE.id).review_count == 0
    assert store.family_stats(KIDS.id).review_count == 4
    assert store.product_stats("black32").review_count == 1, "a listing's own figures stay with it"
    store.set_review_status("r1", ReviewStatus.REJECTED)
    store.set_review_status("r1", ReviewStatus.REJECTED)  # twice: counted once
    assert store.family_stats(KIDS.id).review_count == 3
    assert store.product_stats("blue16") == store.product_stats("blue16").__class__(1, 4.0)
    store.remove_product("blue16")
    assert store.family_stats(KIDS.id).review_count == 2
    assert store.product_stats("blue16").review_count == 0


def test_a_large_import_is_counted_per_listing_and_family(store: Store) -> None:
    seed(store)
    many = [review(f"m{n:03d}", "black32" if n % 3 else "kids", 1 + n % 5) for n in range(90)]
    assert store.put_reviews(many) == 90
    assert store.put_reviews(many) == 0  # re-imported: nothing counted twice
    expected = [r.rating for r in many if r.product_id == "black32"] + [3]
    stats = store.product_stats("black32")
    assert stats.review_count == len(expected) and stats.average_rating == pytest.approx(sum(expected) / len(expected))
    assert store.family_stats(FIRE.id).review_count == 2 + len(expected)
    assert store.family_stats(KIDS.id).review_count == 1 + 30
