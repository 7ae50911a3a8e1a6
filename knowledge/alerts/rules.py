"""Severity rules for single reviews: safety words and one-star refund demands.

Matched as words and phrases, never substrings ("shocked at how good" is no shock, "unburned"
no burn), and skipped when negated just before ("it never caught fire"). Each rule names the
alert kind it raises."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.model import Review

_NEGATION = re.compile(r"\b(?:not|never|no|without|nothing|didn't|didnt|doesn't|doesnt|don't|dont|won't|wont|"
                       r"wasn't|wasnt|isn't|isnt|hasn't|hasnt|haven't|havent|couldn't|couldnt)\b(?:\W+\w+){0,2}\W*$",
                       re.IGNORECASE)


@dataclass(frozen=True)
class SeverityRule:
    """`pattern` found in a review (rated at most `max_rating`) raises an alert of `kind`."""

    name: str
    kind: str
    pattern: re.Pattern[str]
    max_rating: int = 5
    negatable: bool = True


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)


SAFETY_RULES: tuple[SeverityRule, ...] = (
    SeverityRule("caught fire", "safety",
                 _words(r"caught (?:on )?fire|catch(?:es|ing)? (?:on )?fire|burst into flames|went up in flames")),
    SeverityRule("burned", "safety",
                 _words(r"burn(?:ed|t)(?! (?:out|through|in|into|up|a|the|my|some|cds?|dvds?|discs?|calories|money)\b)"
                        r"|burn(?:ed|t) (?:my|his|her|our|their) (?:hand|hands|finger|fingers|skin|arm|leg|face|kid|son|daughter)"
                        r"|burns? (?:on|to) (?:my|his|her|our)|burn marks?")),
    SeverityRule("shock", "safety",
                 _words(r"electric(?:al)? shocks?|shocked (?:me|my|him|her|us|them)|shock hazard"
                        r"|(?:got|get|gets|getting|gave|give|gives|giving) (?:me |him |her |us )?(?:an? )?(?:electric |nasty |small )?shock")),
    SeverityRule("choking", "safety", _words(r"choking|chok(?:e|ed) on|choke hazard")),
    SeverityRule("injured", "safety", _words(r"injur(?:ed|y|ies|ing)")),
    SeverityRule("refund", "refund",
                 _words(r"refund|refunds|refunded|money back|want(?:ed)? my money|full refund"), max_rating=1,
                 negatable=False),
)


@dataclass(frozen=True)
class RuleMatch:
    rule: SeverityRule
    phrase: str


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATION.search(text[max(0, start - 40):start]))


def match_review(review: Review, rules: tuple[SeverityRule, ...] = SAFETY_RULES) -> RuleMatch | None:
    """The first rule a review matches (safety before refund), or None."""
    text = f"{review.title}. {review.text}"
    for rule in rules:
        if review.rating > rule.max_rating:
            continue
        for found in rule.pattern.finditer(text):
            if rule.negatable and _negated(text, found.start()):
                continue
            return RuleMatch(rule, found.group(0))
    return None
