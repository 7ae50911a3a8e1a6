"""Friend codes: speakable, unique, and parsed back from what speech recognition writes."""

from __future__ import annotations

import pytest

from dialogue.social.codes import CODE_WORDS, candidate_code, new_friend_code, parse_friend_code


@pytest.mark.parametrize(
    "heard",
    [
        "tiger four two", "tiger 42", "Tiger forty two", "Tiger Forty-Two", "tiger 4 2",
        "tiger42", "tiger for two", "tiger four to", "the code is tiger four two",
        "it's tiger 42.", "tigr four two", "TIGER FOUR TWO",
    ],
)
def test_what_asr_produces_parses_back_to_the_code(heard: str) -> None:
    assert parse_friend_code(heard) == "tiger four two"


@pytest.mark.parametrize(
    "heard", ["", "hello", "tiger", "tiger four", "tiger 402", "tiger forty", "four two", "purple xylophone two three"]
)
def test_things_that_are_not_codes_parse_to_none(heard: str) -> None:
    assert parse_friend_code(heard) is None


def test_teens_and_tens_are_two_digits() -> None:
    assert parse_friend_code("river eleven") == "river one one"
    assert parse_friend_code("river ninety nine") == "river nine nine"


def test_generated_codes_are_a_word_and_two_spoken_digits() -> None:
    for attempt in range(50):
        word, first, second = candidate_code("seed", attempt).split()
        assert word in CODE_WORDS
        assert parse_friend_code(f"{word} {first} {second}") == f"{word} {first} {second}"


def test_new_codes_skip_taken_ones_and_fail_clearly_when_none_is_free() -> None:
    taken = {candidate_code("s", 0), candidate_code("s", 1)}
    assert new_friend_code("s", taken.__contains__) == candidate_code("s", 2)
    with pytest.raises(ValueError, match="no free friend code"):
        new_friend_code("s", lambda code: True, attempts=5)


def test_code_words_are_distinct_and_not_number_words() -> None:
    assert len(set(CODE_WORDS)) == len(CODE_WORDS) >= 100
    for word in CODE_WORDS:
        assert parse_friend_code(f"{word} one two") == f"{word} one two", word
