"""The catalog: search families and listings by name; a family's or a listing's figures,
aspect bars and reviews; the unanswered community questions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from knowledge.console.charts import aspect_bars
from knowledge.console.services import services
from knowledge.model import Review
from knowledge.store.validation import lookup_key

blueprint = Blueprint("catalog", __name__, url_prefix="/catalog")
RESULTS = 50
REVIEWS_PER_PAGE = 50


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@blueprint.route("/")
def search() -> Any:
    query = request.args.get("q", "").strip()[:200]
    key = lookup_key(query) if query else ""
    store = services().store
    families, products = [], []
    if key:
        families = [f for f in store.list_families()
                    if key in lookup_key(f.name) or any(key in lookup_key(s) for s in f.spoken_names)
                    or key == f.id.casefold()][:RESULTS]
        products = [p for p in store.list_products()
                    if key in lookup_key(p.name) or key == p.id.casefold()
                    or any(key in lookup_key(a) for a in p.aliases)][:RESULTS]
    else:
        families = [store.get_family(f.id) for f in services().figures.families_by_reviews()[:RESULTS]]
        families = [f for f in families if f is not None]
    family_stats = {f.id: store.family_stats(f.id) for f in families}
    product_stats = {p.id: store.product_stats(p.id) for p in products}
    return render_template("catalog.html", query=query, families=families, products=products,
                           family_stats=family_stats, product_stats=product_stats)


def _paged(reviews: list[Review]) -> tuple[list[Review], int, int]:
    page = _page()
    pages = max(1, -(-len(reviews) // REVIEWS_PER_PAGE))
    page = min(page, pages)
    return reviews[(page - 1) * REVIEWS_PER_PAGE: page * REVIEWS_PER_PAGE], page, pages


@blueprint.route("/family/<family_id>")
def family(family_id: str) -> Any:
    store = services().store
    found = store.get_family(family_id)
    if found is None:
        abort(404)
    listings = store.listings_of(family_id)
    reviews = sorted((r for p in listings for r in store.reviews_for(p.id)),
                     key=lambda r: (r.date, r.id), reverse=True)
    shown, page, pages = _paged(reviews)
    aspects = store.family_aspects(family_id)
    names = {p.id: p.name for p in listings}
    return render_template("family.html", family=found, stats=store.family_stats(family_id), listings=listings,
                           listing_stats={p.id: store.product_stats(p.id) for p in listings},
                           aspects=aspects, chart=aspect_bars(aspects) if aspects else None,
                           reviews=shown, page=page, pages=pages, names=names)


@blueprint.route("/product/<product_id>")
def product(product_id: str) -> Any:
    store = services().store
    found = store.get_product(product_id)
    if found is None:
        abort(404)
    shown, page, pages = _paged(store.reviews_for(product_id))
    aspects = store.product_aspects(product_id)
    family = store.get_family(found.family_id) if found.family_id else None
    return render_template("product.html", product=found, family=family, stats=store.product_stats(product_id),
                           aspects=aspects, chart=aspect_bars(aspects) if aspects else None,
                           reviews=shown, page=page, pages=pages,
                           questions=store.questions_for(product_id)[:20])


@blueprint.route("/questions")
def unanswered() -> Any:
    questions = services().figures.unanswered()
    page = _page()
    shown = questions[(page - 1) * 100: page * 100]
    store = services().store
    names = {}
    for q in shown:
        if q.product_id not in names:
            p = store.get_product(q.product_id)
            names[q.product_id] = p.name if p else q.product_id
    return render_template("unanswered.html", questions=shown, total=len(questions), page=page,
                           pages=max(1, -(-len(questions) // 100)), names=names)
