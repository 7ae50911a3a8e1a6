"""An approval in the console makes the review searchable, as `moderation approve` does."""

from __future__ import annotations

import time

import pytest
from flask import Flask

from knowledge.model import Review, ReviewStatus
from knowledge.store.sqlite import SQLiteStore
from tests.knowledge.console.conftest import post


def test_no_index_built_means_nothing_to_refresh(app: Flask) -> None:
    assert app.extensions["shoptalk_console"].index.needed() is False


@pytest.mark.slow
def test_an_approved_review_becomes_searchable(app: Flask, as_role: object, console_store: SQLiteStore) -> None:
    from knowledge.index import open_index

    knowledge = app.extensions["shoptalk_console"].knowledge
    from knowledge.index.batches import index_dir

    open_index(console_store, knowledge, progress=False)  # an index exists, as after a first search
    files = index_dir(knowledge.data_dir)
    before = {p.name: p.stat().st_mtime_ns for p in files.iterdir()}
    text = "The zebra-striped cable survived a tumble down the basement stairs."
    console_store.put_reviews([Review("pend-index", "demo-amazon-smart-plug", 4, text, date="2026-12-01",
                                      status=ReviewStatus.PENDING)])
    post(as_role("moderator"), "/moderation/decide", {"id": ["pend-index"], "action": "approve"},  # type: ignore[operator]
         page="/moderation/")
    refresher = app.extensions["shoptalk_console"].index
    deadline = time.monotonic() + 120
    while refresher._running or {p.name: p.stat().st_mtime_ns for p in files.iterdir()} == before:
        assert time.monotonic() < deadline, "the console did not refresh the index"
        time.sleep(0.2)
    while True:
        hits = open_index(console_store, knowledge, progress=False).search("zebra striped cable basement stairs", k=3)
        if any(h.source_id == "pend-index" for h in hits):
            break
        assert time.monotonic() < deadline, [h.source_id for h in hits]
        time.sleep(0.5)
