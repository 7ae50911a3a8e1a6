"""The chat ranker follows the documented priority policy and never repeats itself."""

from __future__ import annotations

import pytest

from dialogue.chat import Candidate, ChatUpdate, Priority, rank, wants_to_close
from dialogue.chat.generators import GENERATORS, category_of
from dialogue.reply import Say
from dialogue.state import DialogueState

ORDER = [name for name, _ in GENERATORS]


def cand(generator: str, priority: Priority, key: str, prefix: bool = False, end: bool = False) -> Candidate:
    return Candidate(generator, priority, key, (Say("chat.close"),), ChatUpdate(end_chat=end), prefix=prefix)


def test_every_priority_member_is_documented_and_ordered() -> None:
    doc = Priority.__doc__ or ""
    for member in Priority:
        assert member.name in doc
    assert Priority.FORCE > Priority.ANSWER > Priority.CONTINUE > Priority.SWITCH > Priority.FILLER > Priority.CLOSE


def test_highest_priority_wins_and_ties_go_to_the_earlier_generator() -> None:
    ranked = rank(
        [
            cand("small_talk", Priority.FILLER, "s1"),
            cand("suggest", Priority.SWITCH, "g1"),
            cand("customer_view", Priority.CONTINUE, "v1"),
            cand("product_talk", Priority.CONTINUE, "q1"),
            cand("close", Priority.CLOSE, "c1", end=True),
        ],
        DialogueState(),
        ORDER,
    )
    assert ranked.main.key == "q1"  # product_talk is listed before customer_view
    assert ranked.prefix is None


def test_used_keys_are_never_chosen_again() -> None:
    state = DialogueState().remember("q1", "v1")
    ranked = rank(
        [cand("product_talk", Priority.CONTINUE, "q1"), cand("customer_view", Priority.CONTINUE, "v1"),
         cand("small_talk", Priority.FILLER, "s1")],
        state,
        ORDER,
    )
    assert ranked.main.key == "s1"


def test_acknowledgement_goes_before_the_main_response_but_not_before_a_close() -> None:
    ack = cand("listen", Priority.ANSWER, "a1", prefix=True)
    ranked = rank([ack, cand("suggest", Priority.SWITCH, "g1")], DialogueState(), ORDER)
    assert ranked.prefix == ack and ranked.main.key == "g1"
    closing = rank([ack, cand("close", Priority.FORCE, "c", end=True)], DialogueState(), ORDER)
    assert closing.prefix is None


def test_no_full_candidate_is_a_wiring_error() -> None:
    with pytest.raises(ValueError, match="closer"):
        rank([cand("listen", Priority.ANSWER, "a", prefix=True)], DialogueState(), ORDER)


def test_candidates_validate_themselves() -> None:
    with pytest.raises(ValueError):
        Candidate("x", Priority.FILLER, "", (Say("chat.close"),))
    with pytest.raises(ValueError):
        Candidate("x", Priority.FILLER, "k", ())


@pytest.mark.parametrize(
    ("text", "closing"),
    [("bye", True), ("that's all for now", True), ("i have to go", True), ("stop chatting", True),
     ("i love jazz", False), ("byebye sale", False), ("", False)],
)
def test_closing_phrases(text: str, closing: bool) -> None:
    assert wants_to_close(text) is closing


def test_categories_from_free_text() -> None:
    assert category_of("i love reading") == "books"
    assert category_of("mostly jazz records") == "music"
    assert category_of("cooking at home") == "home"
    assert category_of("the weather") is None


@pytest.mark.parametrize(
    ("utterance", "opinion"),
    [("how small it is", True), ("not really my thing", True), ("the echo dot is fine", True), ("great", True),
     ("rainy days", False), ("sunny weekends", False)],
)
def test_free_text_reads_as_an_opinion_only_when_it_is_about_the_product(utterance: str, opinion: bool) -> None:
    from dialogue.chat.generators import reads_as_opinion
    from knowledge.model import Product

    assert reads_as_opinion(utterance, Product("d", "Echo Dot (5th Gen)", category="devices")) is opinion
