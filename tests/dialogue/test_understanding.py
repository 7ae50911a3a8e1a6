"""dialogue.understanding on a small real catalog (SQLite file): products found over every
word heard, aspects, dialogue acts, references to the product in focus, the echo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dialogue.linking import ProductLinker
from dialogue.understanding import Act, aspects_in, chat_topic, second_person, understand
from knowledge.model import Product
from knowledge.store.sqlite import SQLiteStore

CATALOG = (
    Product("tap", "Amazon Tap - Alexa-Enabled Portable Bluetooth Speaker", brand="Amazon", category="devices"),
    Product("dot", "Echo Dot (5th Gen)", aliases=("echo dot",), brand="Amazon", category="devices"),
    Product("roomba", "iRobot Roomba j7+ Robot Vacuum", aliases=("roomba",), category="home"),
    Product("purifier", "Levoit Core 300 Air Purifier", aliases=("air purifier",), category="home"),
    Product("hd8", "All-New Fire HD 8 Tablet, 8 HD Display, Wi-Fi, 16 GB - Includes Special Offers, Blue"),
)


@pytest.fixture
def linker(tmp_path: Path) -> Iterator[ProductLinker]:
    store = SQLiteStore(tmp_path / "shoptalk.sqlite")
    store.put_products(CATALOG)
    yield ProductLinker(store)
    store.close()


def test_a_name_split_across_slots_is_one_product(linker: ProductLinker) -> None:
    meaning = understand("amazon tap loud enough for a party", linker, intent_act=Act.QUESTION)
    assert meaning.act is Act.QUESTION
    assert [p.id for p in meaning.products] == ["tap"]
    assert "sound" in meaning.aspects and "tap" not in meaning.query


def test_an_aspect_is_not_a_product_and_it_means_the_focus(linker: ProductLinker) -> None:
    meaning = understand("how long does the battery last on it", linker, focus_id="dot")
    assert meaning.act is Act.QUESTION and meaning.products == ()
    assert meaning.product is not None and meaning.product.id == "dot"
    assert meaning.aspects[0] == "battery"


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("what speaker is good for music", Act.RECOMMEND),
        ("i need something to help me sleep", Act.RECOMMEND),
        ("which kindle is best for reading in bed", Act.RECOMMEND),
        ("what's a good gift for a ten year old", Act.RECOMMEND),
        ("which is better for a small apartment the roomba or the air purifier", Act.COMPARE),
        ("my son dropped his last one", Act.STATEMENT),
        ("i listen to jazz", Act.STATEMENT),
        ("what do you think about vinyl records", Act.ASK_OPINION),
        ("i don't know", Act.NOTHING),
        ("i'm bored", Act.NOTHING),
        ("what do people say about the echo dot", Act.SUMMARY),
        ("what's the verdict on the roomba", Act.SUMMARY),
        ("how do owners rate the air purifier", Act.SUMMARY),
        ("ok thank you", Act.THANKS),
        ("brilliant, that was really useful", Act.THANKS),
        ("appreciate it", Act.THANKS),
        ("okay", Act.NOTHING),  # no thanks in it: nothing to say
        ("thanks, and is the roomba quiet", Act.QUESTION),
        ("could we talk for a while", Act.CHAT),
        ("i feel like chatting about gardening", Act.CHAT),
        ("let's talk about the roomba", Act.SUMMARY),  # a product named: its reviews
    ],
)
def test_dialogue_acts(linker: ProductLinker, text: str, act: Act) -> None:
    assert understand(text, linker).act is act, text


def test_a_comparison_names_both_products(linker: ProductLinker) -> None:
    meaning = understand("is the roomba better than the air purifier for pet hair", linker)
    assert meaning.act is Act.COMPARE
    assert [p.id for p in meaning.products] == ["roomba", "purifier"]
    assert "cleaning" in meaning.aspects


def test_a_pronoun_question_in_chat_stays_on_the_product(linker: ProductLinker) -> None:
    meaning = understand("is it loud", linker, focus_id="tap", intent_act=Act.QUESTION, chatting=True)
    assert meaning.act is Act.QUESTION and meaning.product is not None and meaning.product.id == "tap"


def test_ordinary_words_name_no_product(linker: ProductLinker) -> None:
    assert understand("i tap my foot to the music", linker).products == ()
    assert understand("my dog keeps shedding everywhere", linker).products == ()


def test_aspects_and_the_echo() -> None:
    assert aspects_in("is the screen easy on the eyes") == ("screen", "ease of use")
    assert aspects_in("nothing here") == ()
    assert second_person("i'm learning to cook") == "you're learning to cook"
    assert second_person("my dog keeps shedding everywhere") == "your dog keeps shedding everywhere"


@pytest.mark.parametrize(
    ("text", "topic"),
    [("could we talk for a while", ""), ("i feel like chatting about gardening", "gardening"),
     ("so let's have a chat on old films", "old films"), ("talk is cheap", "")],
)
def test_a_request_to_chat_names_its_topic(text: str, topic: str) -> None:
    assert chat_topic(text) == topic
