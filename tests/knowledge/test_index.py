"""The hybrid search index on a real SQLite store with the real MiniLM weights.

Covers ranking of paraphrased queries, question-to-question matching, product filtering,
incremental adds that survive a reopen, staleness repair, building a missing index and
removing a product.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.config import KnowledgeConfig
from knowledge.index import SearchIndex, open_index
from knowledge.index.batches import index_dir
from knowledge.model import Answer, Product, Question, Review, ReviewStatus
from knowledge.store.sqlite import SQLiteStore

pytestmark = pytest.mark.slow

PRODUCTS = [
    Product("speaker", "Echo Dot", ("dot",), "Amazon", "devices"),
    Product("kindle", "Kindle Paperwhite", (), "Amazon", "devices"),
    Product("novel", "Project Hail Mary", (), "Andy Weir", "books"),
]
REVIEWS = [
    Review(
        "r-battery",
        "kindle",
        5,
        "I read every night for an hour. The battery lasts about five weeks between charges, "
        "which is amazing. The screen is sharp and easy on the eyes in bed. Page turns are "
        "quick and the store has every book I wanted. The case I bought separately fits snugly "
        "and protects it well. I also like that it is waterproof, so I read in the bath.",
        title="Perfect for night reading",
    ),
    Review(
        "r-sound",
        "speaker",
        4,
        "For such a small device the audio is surprisingly rich and loud enough for my "
        "kitchen. The bass is weak though, so music lovers may want the bigger model.",
    ),
    Review(
        "r-setup",
        "speaker",
        2,
        "Getting it connected to my wifi took three tries and a factory reset. The app kept "
        "crashing during setup. Once it worked, it has been fine.",
    ),
    Review(
        "r-plot",
        "novel",
        5,
        "The science is clever and the humour kept me laughing. Rocky is the best alien "
        "character I have ever read. The ending made me cry.",
    ),
]
QUESTIONS = [
    Question(
        "q-spotify",
        "speaker",
        "Can it play songs from Spotify?",
        answers=(
            Answer("a-spotify", "q-spotify", "Yes, link your account in the Alexa app.", votes=4),
        ),
    ),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "shoptalk.sqlite")
    s.put_products(PRODUCTS)
    s.put_reviews(REVIEWS)
    s.put_questions(QUESTIONS)
    yield s
    s.close()


@pytest.fixture
def config(tmp_path: Path) -> KnowledgeConfig:
    return KnowledgeConfig(data_dir=tmp_path, seed_demo_catalog=False)


@pytest.fixture
def index(store: SQLiteStore, config: KnowledgeConfig) -> SearchIndex:
    return open_index(store, config, progress=False)


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
    index: SearchIndex, query: str, expected: str
) -> None:
    hits = index.search(query, k=3)
    assert hits, f"no hits for {query!r}"
    assert hits[0].source_id == expected, [(h.source_id, round(h.score, 3)) for h in hits]


def test_hits_carry_provenance_and_scores(index: SearchIndex) -> None:
    hit = index.search("battery life", product_id="kindle", k=1)[0]
    assert hit.kind == "review"
    assert hit.product_id == "kindle"
    assert hit.rating == 5
    assert "battery" in hit.text
    assert 0.3 < hit.dense <= 1.0
    assert hit.score > 0


def test_question_to_question_matching_returns_the_answer(index: SearchIndex) -> None:
    hits = index.search("does it work with spotify", k=2)
    assert hits[0].kind == "qa"
    assert hits[0].source_id == "q-spotify"
    assert hits[0].question == "Can it play songs from Spotify?"
    assert "link your account" in hits[0].text


def test_product_filter_excludes_other_products(index: SearchIndex) -> None:
    hits = index.search("battery lasts weeks", product_id="speaker", k=10)
    assert hits
    assert {h.product_id for h in hits} == {"speaker"}
    assert index.search("anything", product_id="no-such-product") == []


def test_long_review_is_split_into_sentences_shown_with_their_neighbours(
    index: SearchIndex,
) -> None:
    full = next(r.text for r in REVIEWS if r.id == "r-battery")
    hits = index.search("does the case fit", product_id="kindle", k=5)
    assert "The case I bought separately fits snugly" in hits[0].text
    # the hit is the matching sentence with one neighbour on each side, not the whole review
    assert hits[0].text.count(". ") <= 3
    assert hits[0].text != full and hits[0].text in full
    battery = [h for h in hits if h.source_id == "r-battery"]
    assert len(battery) >= 2
    assert len({h.text for h in battery}) == len(battery)


def test_incremental_add_is_searchable_at_once_and_survives_reopen(
    store: SQLiteStore, config: KnowledgeConfig, index: SearchIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    review = Review(
        "r-new", "speaker", 1, "The power adapter melted after two days and smelled of plastic."
    )
    before = index.passage_count()
    store.put_reviews([review])
    index.add_review(review)
    assert index.passage_count() == before + 1
    assert index.search("did the charger overheat", product_id="speaker", k=1)[0].source_id == "r-new"

    reopened = open_index(store, config, progress=True)
    assert "stale" not in capsys.readouterr().err  # nothing re-embedded: it was appended
    assert reopened.passage_count() == before + 1
    assert reopened.search("did the charger overheat", k=1)[0].source_id == "r-new"


def test_adding_an_answer_replaces_the_question_passages(
    store: SQLiteStore, config: KnowledgeConfig, index: SearchIndex
) -> None:
    answer = Answer("a-spotify-2", "q-spotify", "Spotify Premium is not required.", votes=1)
    store.add_answer(answer)
    question = store.get_question("q-spotify")
    assert question is not None
    index.add_question(question)
    texts = [h.text for h in index.search("spotify", product_id="speaker", k=5) if h.kind == "qa"]
    assert len(texts) == 2
    assert len(open_index(store, config, progress=False).search("spotify premium", k=5)) >= 2


def test_a_stale_index_is_repaired_on_open(
    store: SQLiteStore, config: KnowledgeConfig, index: SearchIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    # written to the store behind the index's back, as an import by another process does
    store.put_reviews(
        [Review("r-behind", "novel", 3, "The audiobook narrator does wonderful voices.")]
    )
    store.set_review_status("r-plot", ReviewStatus.REJECTED)
    reopened = open_index(store, config, progress=True)
    assert "stale" in capsys.readouterr().err
    assert reopened.search("how is the narrator", product_id="novel", k=1)[0].source_id == "r-behind"
    assert all(h.source_id != "r-plot" for h in reopened.search("alien character", k=10))


def test_a_missing_index_is_built(
    store: SQLiteStore, config: KnowledgeConfig, index: SearchIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    count = index.passage_count()
    shutil.rmtree(index_dir(config.data_dir))
    rebuilt = open_index(store, config, progress=True)
    assert "building" in capsys.readouterr().err
    assert (index_dir(config.data_dir) / "vectors.f16").is_file()
    assert rebuilt.passage_count() == count


def test_remove_product_hides_it_now_and_after_reopen(
    store: SQLiteStore, config: KnowledgeConfig, index: SearchIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    store.remove_product("speaker")
    assert index.remove_product("speaker") > 0
    assert all(h.product_id != "speaker" for h in index.search("sound and wifi setup", k=10))
    reopened = open_index(store, config, progress=True)
    assert "stale" not in capsys.readouterr().err
    assert all(h.product_id != "speaker" for h in reopened.search("spotify", k=10))


def test_rebuild_after_compaction_keeps_results(index: SearchIndex) -> None:
    index.remove_review("r-setup")
    index.compact()
    assert index.dead_rows == 0
    assert index.search("is the sound good", k=1)[0].source_id == "r-sound"
    assert index.rebuild(progress=False) == index.row_count


def test_empty_query_and_empty_store(tmp_path: Path) -> None:
    empty = SQLiteStore(tmp_path / "empty.sqlite")
    try:
        index = open_index(empty, KnowledgeConfig(data_dir=tmp_path / "e"), progress=False)
        assert index.passage_count() == 0
        assert index.search("anything") == []
    finally:
        empty.close()


def test_a_product_removed_then_reimported_stays_searchable_after_reopen(
    store: SQLiteStore, config: KnowledgeConfig, index: SearchIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    store.remove_product("novel")
    index.remove_product("novel")
    assert index.search("alien character", product_id="novel") == []
    store.put_products([p for p in PRODUCTS if p.id == "novel"])
    store.put_reviews([r for r in REVIEWS if r.product_id == "novel"])
    for review in store.reviews_for("novel"):
        index.add_review(review)
    # the removal is replayed on open for the old rows only, so nothing is stale
    reopened = open_index(store, config, progress=True)
    assert "stale" not in capsys.readouterr().err
    assert reopened.search("alien character", product_id="novel", k=1)[0].source_id == "r-plot"
    again = open_index(store, config, progress=True)
    assert "stale" not in capsys.readouterr().err
    assert again.passage_count() == reopened.passage_count()
