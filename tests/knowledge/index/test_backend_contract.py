"""One contract suite for both search-index backends: the embedded in-process index and
PostgreSQL with pgvector (a real server from pgserver), with the real MiniLM weights.

Both must rank the same way (the PostgreSQL backend reuses the fused ranking), filter by
product, show sentence windows, add idempotently, replace a question's passages when its
answers change, and drop removed sources at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from knowledge.config import KnowledgeConfig
from knowledge.index import SearchBackend, open_index
from knowledge.index.opening import sync_with_store
from knowledge.model import Answer, Question, Review, ReviewStatus
from knowledge.store.sqlite import SQLiteStore
from tests.knowledge.test_index import PRODUCTS, QUESTIONS, REVIEWS

pytestmark = pytest.mark.slow

BACKENDS = ("embedded", "postgres")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "shoptalk.sqlite")
    s.put_products(PRODUCTS)
    s.put_reviews(REVIEWS)
    s.put_questions(QUESTIONS)
    yield s
    s.close()


def _config(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> KnowledgeConfig:
    config = KnowledgeConfig(data_dir=tmp_path, seed_demo_catalog=False, index=backend)
    if backend == "postgres":
        config = replace(config, index_dsn=request.getfixturevalue("postgres_dsn"))
    return config


def _open(store: SQLiteStore, config: KnowledgeConfig) -> SearchBackend:
    index = open_index(store, config, progress=False)
    if config.index == "postgres":
        index.rebuild(progress=False)  # what `python -m knowledge reindex --to postgres` does
    return index


@pytest.fixture(params=BACKENDS)
def index(request: pytest.FixtureRequest, store: SQLiteStore, tmp_path: Path) -> Iterator[SearchBackend]:
    index = _open(store, _config(tmp_path, request.param, request))
    yield index
    close = getattr(index, "close", None)
    if close is not None:
        close()


def test_both_backends_satisfy_the_protocol(index: SearchBackend) -> None:
    assert isinstance(index, SearchBackend)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("how long until I need to recharge it", "r-battery"),
        ("is the sound good", "r-sound"),
        ("was it hard to install", "r-setup"),
        ("is the story funny", "r-plot"),
    ],
)
def test_paraphrased_query_ranks_the_right_passage_first(
    index: SearchBackend, query: str, expected: str
) -> None:
    hits = index.search(query, k=3)
    assert hits, f"no hits for {query!r}"
    assert hits[0].source_id == expected, [(h.source_id, round(h.score, 3)) for h in hits]


def test_hits_carry_provenance_and_scores(index: SearchBackend) -> None:
    hit = index.search("battery life", product_id="kindle", k=1)[0]
    assert (hit.kind, hit.product_id, hit.rating) == ("review", "kindle", 5)
    assert "battery" in hit.text
    assert 0.3 < hit.dense <= 1.0
    assert hit.score > 0


def test_question_to_question_matching_returns_the_answer(index: SearchBackend) -> None:
    hits = index.search("does it work with spotify", k=2)
    assert (hits[0].kind, hits[0].source_id) == ("qa", "q-spotify")
    assert hits[0].question == "Can it play songs from Spotify?"
    assert "link your account" in hits[0].text


def test_a_community_answer_that_answers_outranks_a_review_that_only_mentions_it(
    index: SearchBackend,
) -> None:
    index.add_review(Review("r-bt", "speaker", 3, "I wish the Bluetooth range reached the garden."))
    index.add_question(
        Question(
            "q-bt", "speaker", "Does it support Bluetooth headphones?",
            answers=(Answer("a-bt", "q-bt", "Yes, pair them from the Bluetooth settings in the app.", votes=2),),
        )
    )
    hits = index.search("can I connect my bluetooth headphones to it", product_id="speaker", k=3)
    assert (hits[0].kind, hits[0].source_id) == ("qa", "q-bt")
    # Every answer of a question is weighed against that question, not only the best voted.
    extra = Answer("a-bt-2", "q-bt", "It works with my Sony ones.", votes=0)
    question = Question("q-bt", "speaker", "Does it support Bluetooth headphones?",
                        answers=(Answer("a-bt", "q-bt", "Yes, pair them from the Bluetooth settings in the app.", votes=2), extra))
    index.add_question(question)
    hits = index.search("can I connect my bluetooth headphones to it", product_id="speaker", k=3)
    assert hits[0].source_id == "q-bt" and "Yes, pair them" in hits[0].text


def test_product_filter_excludes_other_products(index: SearchBackend) -> None:
    hits = index.search("battery lasts weeks", product_id="speaker", k=10)
    assert hits and {h.product_id for h in hits} == {"speaker"}
    assert index.search("anything", product_id="no-such-product") == []


def test_long_review_is_shown_as_sentence_windows(index: SearchBackend) -> None:
    full = next(r.text for r in REVIEWS if r.id == "r-battery")
    hits = index.search("does the case fit", product_id="kindle", k=5)
    assert "The case I bought separately fits snugly" in hits[0].text
    assert hits[0].text.count(". ") <= 3
    assert hits[0].text != full and hits[0].text in full
    battery = [h for h in hits if h.source_id == "r-battery"]
    assert len(battery) >= 2 and len({h.text for h in battery}) == len(battery)


def test_adds_are_searchable_at_once_and_idempotent(index: SearchBackend) -> None:
    review = Review("r-new", "speaker", 1, "The power adapter melted after two days and smelled of plastic.")
    before = index.passage_count()
    assert index.add_review(review) == 1
    assert index.add_review(review) == 0
    assert index.passage_count() == before + 1
    assert index.search("did the charger overheat", product_id="speaker", k=1)[0].source_id == "r-new"
    unpublished = replace(review, status=ReviewStatus.REJECTED)
    assert index.add_review(unpublished) == 0
    assert index.passage_count() == before
    assert all(h.source_id != "r-new" for h in index.search("charger overheat", k=10))


def test_a_new_answer_replaces_the_question_passages(index: SearchBackend) -> None:
    question = QUESTIONS[0]
    extra = Answer("a-spotify-2", "q-spotify", "Spotify Premium is not required.", votes=1)
    index.add_question(replace(question, answers=(*question.answers, extra)))
    qa = [h for h in index.search("spotify", product_id="speaker", k=5) if h.kind == "qa"]
    assert len(qa) == 2
    assert len(index.source_keys()) == len(REVIEWS) + 1  # the old version is gone


def test_removals_take_effect_at_once(index: SearchBackend) -> None:
    assert index.remove_review("r-setup") > 0
    assert all(h.source_id != "r-setup" for h in index.search("wifi setup factory reset", k=10))
    assert index.remove_question("q-spotify") == 2
    assert all(h.kind != "qa" for h in index.search("spotify", k=10))
    assert index.remove_product("kindle") > 0
    assert "kindle" not in index.product_ids()
    assert index.remove_review("r-setup") == 0


def test_sync_with_the_store_adds_and_drops_and_then_does_nothing(
    index: SearchBackend, store: SQLiteStore
) -> None:
    store.put_reviews([Review("r-behind", "novel", 3, "The audiobook narrator does wonderful voices.")])
    store.set_review_status("r-plot", ReviewStatus.REJECTED)
    added, removed = sync_with_store(index, store.iter_reviews(), store.iter_questions(), progress=False)
    assert (added, removed) == (1, 1)
    assert index.search("how is the narrator", product_id="novel", k=1)[0].source_id == "r-behind"
    assert sync_with_store(index, store.iter_reviews(), store.iter_questions(), progress=False) == (0, 0)


def test_empty_query_and_empty_index(index: SearchBackend) -> None:
    assert index.search("   ") == []
    for product in list(index.product_ids()):
        index.remove_product(product)
    assert index.passage_count() == 0
    assert index.search("anything") == []


def test_postgres_ranks_exactly_as_the_embedded_index(
    store: SQLiteStore, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    embedded = _open(store, _config(tmp_path / "e", "embedded", request))
    postgres = _open(store, _config(tmp_path / "p", "postgres", request))
    queries = ["battery life", "is the sound good", "spotify", "was setup hard", "funny alien", "screen"]
    for query in queries:
        for product in (None, "kindle", "speaker"):
            a = embedded.search(query, product_id=product, k=5)
            b = postgres.search(query, product_id=product, k=5)
            assert [(h.source_id, h.text) for h in a] == [(h.source_id, h.text) for h in b], (query, product)
            assert [round(h.score, 4) for h in a] == [round(h.score, 4) for h in b], (query, product)
