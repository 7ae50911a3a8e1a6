"""Listing titles to product families: the family key, the spoken names and what sets a listing apart.

Marketplace titles pack the product name with its variant and selling details: "All-New Fire
HD 8 Tablet, 8" HD Display, Wi-Fi, 16 GB - Includes Special Offers, Magenta". The family key
keeps what names the product ("fire hd 8") and drops brand prefixes, colours, capacities,
screen sizes, generation, connectivity, packaging and the generic noun at the end ("tablet",
"speaker"), so the six Fire HD 8 listings share a key while model numbers and editions that
name another product stay ("echo show" vs "echo show 8"; "fire hd 8" vs "fire hd 8 kids
edition"). What was dropped as a variant (colour, capacity) is what tells listings apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_LEADING = ("all-new", "all new", "brand new", "the new")  # not "new": "New Balance"
# Where a title's details start: for long titles also at commas, "with", "for", "includes".
_DETAILS_LONG = re.compile(
    r"\s+[-|–]\s+|[,(\[]|\s\|\s|\bw/|\bwith\b|\bfor\b|\bincludes?\b|\bfeaturing\b",
    re.IGNORECASE,
)
_DETAILS_SHORT = re.compile(
    r"\s+[-|–]\s+|[(\[]|\bw/", re.IGNORECASE
)  # "Salt, Fat, Acid, Heat"
SHORT_TITLE_WORDS = 6

COLOURS = frozenset(
    [
        "black",
        "white",
        "blue",
        "magenta",
        "tangerine",
        "silver",
        "aluminum",
        "aluminium",
        "merlot",
        "green",
        "red",
        "pink",
        "purple",
        "grey",
        "gray",
        "gold",
        "charcoal",
        "sandstone",
        "walnut",
        "navy",
        "teal",
        "yellow",
        "orange",
        "brown",
        "beige",
        "ivory",
        "cream",
        "rose",
        "graphite",
        "slate",
        "twilight",
        "plum",
        "punch",
        "sage",
        "midnight",
        "mint",
    ]
)
# The generic nouns and features that follow a product's name; dropped only at the end of it.
GENERIC_TAIL = frozenset(
    [
        "tablet",
        "tablets",
        "speaker",
        "speakers",
        "display",
        "screen",
        "player",
        "device",
        "bluetooth",
        "portable",
        "alexa",
        "alexa-enabled",
        "enabled",
        "wifi",
        "wi-fi",
        "wireless",
        "3g",
        "4g",
        "lte",
        "e-reader",
        "ereader",
        "reader",
        "ips",
        "hd-display",
        "smart",
        "media",
        "streaming",
        "edition-tablet",
    ]
)
_MARKETING = frozenset(
    ["official", "oem", "genuine", "original", "premium", "usb", "certified"]
)
_PACKAGING = frozenset(
    ["pack", "bundle", "certified", "refurbished", "renewed", "kit", "set", "pcs"]
)
_GENERATION = re.compile(
    r"^(\d+(st|nd|rd|th)|gen|generation|20\d\d|19\d\d|latest|model)$"
)
_CAPACITY = re.compile(r"^\d+(\.\d+)?(gb|tb|mb|w|mah|watt|watts)$")
_SIZE = re.compile(r'^\d+(\.\d+)?("|”|in|inch|inches|-inch)$')
_UNITS = frozenset({"gb", "tb", "mb", "w", "mah", "watt", "watts"})
_SIZE_UNITS = frozenset({'"', "inch", "inches", "in"})
_TOKEN = re.compile(r'[A-Za-z0-9]+(?:[.\'-][A-Za-z0-9]+)*\+?"?|"')  # "j7+" keeps its plus


@dataclass(frozen=True)
class TitleParts:
    """A title taken apart: the words that name the product and the variant it is."""

    name_words: tuple[str, ...]  # as written ("Fire", "HD", "8")
    generic_words: tuple[str, ...]  # generic tail dropped from the name ("Tablet")
    variant: tuple[str, ...]  # normalised variant attributes ("16gb", "magenta")
    prefix: str = ""  # the brand or "All-New" prefix dropped from the front ("Amazon")

    @property
    def key(self) -> str:
        """The family key: lower-case name words ("fire hd 8")."""
        return " ".join(w.lower() for w in self.name_words)


def _tokens(text: str) -> list[str]:
    """Words of a title, with a quote mark kept on a size ("8\"") and units joined ("16 GB")."""
    raw = _TOKEN.findall(text.replace("”", '"').replace("″", '"'))
    joined: list[str] = []
    for token in raw:
        low = token.lower()
        if (
            joined
            and joined[-1].replace(".", "").isdigit()
            and (low in _UNITS or low in _SIZE_UNITS)
        ):
            joined[-1] = (
                joined[-1]
                + ("" if low in _UNITS else '"')
                + ("" if low in _SIZE_UNITS else token)
            )
            continue
        joined.append(token)
    return joined


_CONNECTIVITY = frozenset({"3g", "4g", "lte", "5g"})
# Titles of works: every word names the work ("Kind of Blue"), so nothing is dropped.
WORK_CATEGORIES = frozenset(
    {"books", "book", "music", "movies", "games", "video games"}
)


def _is_variant(low: str) -> bool:
    return low in COLOURS or low in _CONNECTIVITY or bool(_CAPACITY.match(low))


def _is_dropped(low: str, short: bool) -> bool:
    if short and low in COLOURS:  # "Echo Dot Charcoal" is rare; "Kind of Blue" is not
        return False
    return (
        _is_variant(low)
        or bool(_SIZE.match(low))
        or bool(_GENERATION.match(low))
        or low in _PACKAGING
        or low in {"wifi", "wi-fi", '"'}
    )


def _strip_leading(title: str, brand: str) -> tuple[str, str]:
    """The title without brand and "All-New" prefixes, and the last prefix removed."""
    text = title.strip()
    removed = ""
    changed = True
    while changed:
        changed = False
        low = text.lower()
        for prefix in (*_LEADING, *((brand.lower(),) if brand else ()), "amazon"):
            if low.startswith((prefix + " ", prefix + "-")) or low == prefix:
                removed = text[: len(prefix)]
                text = text[len(prefix) :].lstrip(" -–|:")
                changed = True
                break
    return (text, removed) if text else (title.strip(), "")


def parse_title(title: str, brand: str = "", category: str = "") -> TitleParts:
    """The product-naming words, the dropped generic tail and the variant attributes of a title."""
    if category.strip().lower() in WORK_CATEGORIES:
        return TitleParts(tuple(_tokens(title)) or (title.strip(),), (), ())
    body, prefix = _strip_leading(title, brand)
    short = len(body.split()) <= SHORT_TITLE_WORDS
    splitter = _DETAILS_SHORT if short else _DETAILS_LONG
    head = next((part for part in splitter.split(body) if part and part.strip()), body)
    variant = tuple(
        dict.fromkeys(
            t.lower()
            for t in _tokens(body)
            if _is_variant(t.lower())
            and not (short and t.lower() in COLOURS and t in head)
        )
    )
    words = [t for t in _tokens(head) if not _is_dropped(t.lower(), short)]
    generic: list[str] = []
    while len(words) > 1 and words[-1].lower() in GENERIC_TAIL:
        generic.insert(0, words.pop())
    if not words:  # a title that is nothing but details: keep its head as written
        words = _tokens(head) or [title.strip()]
    return TitleParts(tuple(words), tuple(generic), variant, prefix)


def family_key(title: str, brand: str = "", category: str = "") -> str:
    """The key listings of one product share ("fire hd 8" for every Fire HD 8 listing)."""
    return parse_title(title, brand, category).key


def spoken_names(
    titles: Sequence[str], brand: str = "", category: str = ""
) -> tuple[str, ...]:
    """The names people say for a family, best first, from its listings' titles.

    The first is the family's display name: the product-naming words as written ("Fire HD 8"),
    keeping the generic noun where the name alone is one bare word ("Kindle E-reader",
    "Fire Tablet") or its brand ("Amazon Tap"). Long marketing names get a short form too
    ("PowerFast Charger").
    """
    names: list[str] = []
    for title in titles:
        if category.strip().lower() in WORK_CATEGORIES:
            names.append(title.strip())
        parts = parse_title(title, brand, category)
        bare = " ".join(parts.name_words)
        if len(parts.name_words) == 1 and parts.generic_words:
            names.append(f"{bare} {parts.generic_words[0]}")
        elif (
            len(parts.name_words) == 1
            and parts.prefix
            and parts.prefix.lower() not in _LEADING
        ):
            names.append(f"{parts.prefix} {bare}")
        short = _short_form(parts.name_words)
        if short:
            names.append(short)
        names.append(bare)
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(name.lower(), name)
    return tuple(by_key.values())


def _short_form(words: Sequence[str]) -> str:
    """ "PowerFast Official OEM USB Charger and Power Adapter" -> "PowerFast Charger"."""
    if len(words) <= 3:
        return ""
    cut: list[str] = []
    for word in words:
        if word.lower() in {"and", "&", "plus"}:
            break
        if word.lower() not in _MARKETING:
            cut.append(word)
    return " ".join(cut) if 0 < len(cut) < len(words) else ""


def variant_label(title: str, brand: str = "", category: str = "") -> str:
    """The listing's variant as people say it ("16 GB, Magenta"); empty when it has none."""
    return spoken_variant(parse_title(title, brand, category).variant)


def spoken_variant(attributes: Sequence[str]) -> str:
    """Normalised variant attributes as people say them (["16gb", "magenta"] -> "16 GB, Magenta")."""
    spoken = []
    for attribute in attributes:
        match = re.match(r"^(\d+(?:\.\d+)?)([a-z]+)$", attribute)
        if attribute in _CONNECTIVITY:
            spoken.append(attribute.upper())
        elif match:
            spoken.append(f"{match.group(1)} {match.group(2).upper()}")
        else:
            spoken.append(attribute.capitalize())
    return ", ".join(spoken)


def variant_words(title: str, brand: str = "", category: str = "") -> frozenset[str]:
    """The listing's variant attributes as normalised words ({"16gb", "magenta"})."""
    return frozenset(parse_title(title, brand, category).variant)
