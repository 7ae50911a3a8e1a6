"""Product linking: a spoken product name becomes a catalog product.

People say "the kindle paperwhite", "paper white", "eco dot" or "the fire kids tablet", and
speech recognition adds its own errors. Linking tries, in order: the entity-resolution id the
request carried; pronouns ("it", "that one") that mean the product in focus; then fuzzy
matching (rapidfuzz) of the normalised words and phonetic matching (jellyfish metaphone)
against every product's name, its shortened spoken name and its aliases. Near-equal scores
for different products give an ambiguous result the caller turns into one short question;
near-equal scores inside one family of variants (the same spoken name in other colours or
sizes, as in imported catalogs) pick the most-reviewed variant instead of asking.

The catalog is read from the store and cached per process as a snapshot keyed by the store's
catalog version (one key read, checked at most every `refresh_s` seconds); the product and
family lists are read again only when that version moved.
"""

from __future__ import annotations

import enum
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jellyfish
from rapidfuzz import fuzz

from knowledge.families.titles import COLOURS, spoken_variant, variant_words
from knowledge.model import Family, Product
from knowledge.store.base import Store

# Thresholds on a 0-100 similarity scale, chosen on the cases in tests/dialogue/test_linking.py
# (ASR errors, partial names, and utterances that must NOT link).
ACCEPT = 84.0  # at or above: a confident match
CONSIDER = 72.0  # from here up to ACCEPT: worth asking "did you mean ...?"
MARGIN = 6.0  # a runner-up this close to the best is a real ambiguity
MENTION_ACCEPT = 90.0  # stricter bar for spotting a product inside a free-form utterance

PRONOUNS = frozenset(
    {
        "it", "that", "this", "that one", "this one", "the one", "same one", "the same one",
        "them", "that product", "this product", "the product", "that thing", "this thing",
        "the same", "the same product", "one", "its", "it's",
    }
)

_FILLER = frozenset(
    {"the", "a", "an", "my", "your", "new", "all", "brand", "amazon", "s", "about", "of", "for"}
)
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "first": "1st", "second": "2nd",
    "third": "3rd", "fourth": "4th", "fifth": "5th", "sixth": "6th", "seventh": "7th",
    "eighth": "8th",
}
# generic words that products add after their name ("Fire HD 8 Tablet", "Amazon Tap ...
# Portable Bluetooth Speaker"): a variant without them is what people say
_GENERIC = frozenset(
    {"tablet", "speaker", "display", "screen", "player", "device", "bluetooth", "portable",
     "alexa", "enabled", "wifi", "wi", "fi", "ereader", "reader", "e"}
)
_DETAIL_SPLIT = re.compile(r"\s+[-|]\s+|[,(]|\bwith\b|\bw/", re.IGNORECASE)
_DETAIL_SPLIT_SHORT = re.compile(r"\s+[-|]\s+|[(]|\bw/", re.IGNORECASE)  # keep "Salt, Fat, ..."
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower-case words with punctuation, filler words and number words normalised."""
    words = _NON_WORD.sub(" ", text.lower().replace("'", "")).split()
    return " ".join(_NUMBER_WORDS.get(w, w) for w in words if w not in _FILLER)


def spoken_name(product: Product) -> str:
    """The short name people say: the product name before its details ("Echo Dot (5th Gen)"
    -> "Echo Dot"; "Amazon Tap - Alexa-Enabled Portable ..." -> "Amazon Tap")."""
    name = product.name
    splitter = _DETAIL_SPLIT if len(name.split()) > 6 else _DETAIL_SPLIT_SHORT
    for segment in splitter.split(name):
        head = re.sub(r"^(all-new|brand new)\s+", "", segment.strip(), flags=re.IGNORECASE)
        if normalise(head):  # skip a bare brand ("Amazon - Echo Plus ...")
            return head.strip()
    return name


def speakable_name(product: Product) -> str:
    """The spoken name without generic trailing words, for questions like "did you mean the
    Echo Show or the Echo Show 8?" ("Amazon Tap - Alexa-Enabled Portable Bluetooth Speaker"
    -> "Amazon Tap")."""
    words = spoken_name(product).split(":")[0].split()  # "Sapiens: A Brief History" -> "Sapiens"
    kept = [w for w in words if not set(normalise(w).split() or [w]) <= _GENERIC]
    return " ".join(kept) if kept else spoken_name(product)


TITLE_CATEGORIES = frozenset({"books", "music", "movies", "games"})


def product_phrase(product: Product, name: str | None = None) -> str:
    """The product as it fits in a sentence: "the Echo Dot", but "Project Hail Mary" (titles
    of books and albums take no article). `name` is its family's name when known."""
    name = name or speakable_name(product)
    if product.category.lower() in TITLE_CATEGORIES or name.lower().startswith("the "):
        return name
    return f"the {name}"


_CAPACITY_WORDS = (("sixteen", "16"), ("thirty two", "32"), ("sixty four", "64"), ("one twenty eight", "128"))
_CAPACITY_SAID = re.compile(r"\b(\d+)\s*(gb|gig|gigs|gigabytes?|tb|terabytes?)\b")


def _variant_terms(text: str) -> set[str]:
    """Variant attributes said in `text`, in the form `variant_words` gives ("32gb", "black")."""
    low = text.lower().replace("-", " ")
    for word, digit in (*_CAPACITY_WORDS, *_NUMBER_WORDS.items()):
        low = re.sub(rf"\b{word}\b", digit, low)
    terms = {f"{m.group(1)}{'tb' if m.group(2).startswith('t') else 'gb'}" for m in _CAPACITY_SAID.finditer(low)}
    terms.update(w for w in _NON_WORD.sub(" ", low).split() if w in COLOURS or w in {"3g", "4g", "lte"})
    return terms


def _capacity_first(attribute: str) -> tuple[bool, str]:
    return (not attribute[:1].isdigit(), attribute)


def _phonetic(text: str) -> str:
    # numbers stay as they are: "fire hd 8" must not sound like "fire hd 10"
    return " ".join(w if any(c.isdigit() for c in w) else jellyfish.metaphone(w) for w in text.split())


class LinkKind(str, enum.Enum):
    """How a spoken name was resolved."""

    LINKED = "linked"  # one product
    AMBIGUOUS = "ambiguous"  # several plausible products (or one unsure match): ask
    NONE = "none"  # no product matched
    NO_FOCUS = "no_focus"  # a pronoun, but no product is in focus


@dataclass(frozen=True)
class LinkResult:
    """The outcome of linking; `candidates` are best first (one for LINKED)."""

    kind: LinkKind
    candidates: tuple[Product, ...] = ()
    score: float = 0.0
    via: str = ""  # "er", "focus", "fuzzy", "phonetic", "mention"

    @property
    def product(self) -> Product | None:
        """The linked product, or None unless kind is LINKED."""
        return self.candidates[0] if self.kind is LinkKind.LINKED and self.candidates else None


@dataclass(frozen=True)
class _Entry:
    product: Product
    family: str  # normalised spoken name: variants of one product share it
    variants: tuple[str, ...]  # normalised names and aliases
    phonetics: tuple[str, ...]
    compact: tuple[str, ...]  # variants without spaces ("paperwhite")


@dataclass(frozen=True)
class _Catalog:
    signature: tuple[object, ...]
    entries: tuple[_Entry, ...]
    by_id: dict[str, Product]
    families: dict[str, Family]


def _signature(products: Sequence[Product], families: Sequence[Family]) -> tuple[object, ...]:
    return (
        tuple((p.id, p.name, tuple(p.aliases), p.family_id) for p in products),
        tuple((f.id, f.name, tuple(f.spoken_names)) for f in families),
    )


def _build_catalog(products: Sequence[Product], families: Sequence[Family] = ()) -> _Catalog:
    """Entries to match against: a listing's names, aliases and its family's spoken names.

    Listings of one stored family share its id as their family; a listing without one is
    grouped by its normalised spoken name, as catalogs from before families were."""
    by_family = {f.id: f for f in families}
    entries = []
    for p in products:
        short = normalise(spoken_name(p))
        bare = " ".join(w for w in short.split() if w not in _GENERIC)
        family = by_family.get(p.family_id)
        spoken = (family.name, *family.spoken_names) if family else ()
        names = [normalise(p.name), short, bare, *(normalise(a) for a in (*p.aliases, *spoken))]
        variants = tuple(dict.fromkeys(v for v in names if v))
        entries.append(
            _Entry(
                product=p,
                family=family.id if family else short,
                variants=variants,
                phonetics=tuple(_phonetic(v) for v in variants),
                compact=tuple(v.replace(" ", "") for v in variants),
            )
        )
    return _Catalog(_signature(products, families), tuple(entries), {p.id: p for p in products}, by_family)


def _score(query: str, entry: _Entry) -> tuple[float, str]:
    """Best similarity of a normalised query to any variant of one product, and how."""
    q_phon = _phonetic(query)
    q_compact = query.replace(" ", "")
    q_words = query.split()
    best, via = 0.0, "fuzzy"
    for variant, phon, compact in zip(entry.variants, entry.phonetics, entry.compact, strict=True):
        s = fuzz.ratio(query, variant)
        # a partial name: every spoken word is in the product name ("kindle paperwhite")
        if len(q_compact) >= 4 and len(q_words) <= len(variant.split()):
            s = max(s, 0.92 * fuzz.token_set_ratio(query, variant))
        # words run together or split apart ("paper white" vs "paperwhite")
        if len(q_compact) >= 6 and len(q_compact) <= len(compact):
            s = max(s, 0.9 * fuzz.partial_ratio(q_compact, compact))
        if s > best:
            best, via = s, "fuzzy"
        if q_phon and phon:
            p = 0.95 * fuzz.ratio(q_phon, phon)
            # sounding alike is strong evidence only when it is close ("eco dot" = "echo dot");
            # a loose phonetic match would only make noise ("did you mean ...?")
            if p > best and p >= ACCEPT:
                best, via = p, "phonetic"
    return best, via


@dataclass(frozen=True)
class Mention:
    """A product named inside an utterance, with the character span of its name."""

    product: Product
    start: int
    end: int
    score: float


class ProductLinker:
    """Links spoken names to products of the store's current catalog.

    `review_count` orders variants of one product family (most reviewed wins); it defaults
    to the store's published-review count of the listing.
    """

    def __init__(
        self,
        store: Store,
        refresh_s: float = 2.0,
        review_count: Callable[[str], int] | None = None,
    ) -> None:
        self._store = store
        self._refresh_s = refresh_s
        self._review_count = review_count or (lambda pid: store.product_stats(pid).review_count)
        self._lock = threading.Lock()
        self._catalog: _Catalog | None = None
        self._version: str | None = None
        self._checked_at = 0.0
        self._counts: dict[str, int] = {}

    # --- catalog cache ----------------------------------------------------------------------
    def catalog(self) -> _Catalog:
        """The cached catalog, re-read when the store's catalog version moved."""
        now = time.monotonic()
        with self._lock:
            if self._catalog is not None and now - self._checked_at < self._refresh_s:
                return self._catalog
            version = self._store.catalog_version()  # read first: a change meanwhile shows next time
            if self._catalog is not None and version == self._version:
                self._checked_at = now
                return self._catalog
            products = self._store.list_products()
            families = self._store.list_families()
            signature = _signature(products, families)
            if self._catalog is None or self._catalog.signature != signature:
                self._catalog = _build_catalog(products, families)
                self._counts = {}
            self._version, self._checked_at = version, now
            return self._catalog

    def products(self) -> tuple[Product, ...]:
        """Every product of the current catalog."""
        return tuple(e.product for e in self.catalog().entries)

    def get(self, product_id: str) -> Product | None:
        """A product of the current catalog by id; for a family id (the PRODUCT slot's values
        are families), its most-reviewed listing."""
        catalog = self.catalog()
        product = catalog.by_id.get(product_id)
        if product is not None or product_id not in catalog.families:
            return product
        listings = [e.product for e in catalog.entries if e.family == product_id]
        return max(listings, key=lambda p: (self._count(p.id), p.id)) if listings else None

    def _count(self, product_id: str) -> int:
        if product_id not in self._counts:
            self._counts[product_id] = self._review_count(product_id)
        return self._counts[product_id]

    # --- linking ----------------------------------------------------------------------------
    def link(
        self,
        spoken: str | None,
        er_id: str | Sequence[str] | None = None,
        focus_id: str | None = None,
    ) -> LinkResult:
        """Resolve a Product slot: entity-resolution ids, then pronoun -> focus, then
        fuzzy/phonetic match. Several ER ids (Alexa matched a synonym shared by products)
        are an ambiguity between them."""
        catalog = self.catalog()
        ids = [er_id] if isinstance(er_id, str) else list(er_id or ())
        known = list(dict.fromkeys(p for p in (self.get(i) for i in dict.fromkeys(ids)) if p is not None))
        if len(known) == 1:
            # the interaction model's slot values may predate an imported catalog: when what
            # was said fits another product just as well, ask rather than trust ER alone
            if spoken and normalise(spoken) not in PRONOUNS and normalise(spoken):
                heard = self._match(normalise(spoken), catalog)
                if heard.kind is LinkKind.AMBIGUOUS and known[0] in heard.candidates:
                    return heard
            return LinkResult(LinkKind.LINKED, (known[0],), 100.0, "er")
        if len(known) > 1:
            return LinkResult(LinkKind.AMBIGUOUS, tuple(known[:3]), 100.0, "er")
        text = (spoken or "").strip().lower()
        if not text:
            return self._focus(focus_id, catalog)
        if text in PRONOUNS or normalise(text) in PRONOUNS or not normalise(text):
            return self._focus(focus_id, catalog)
        return self._match(normalise(text), catalog)

    def _focus(self, focus_id: str | None, catalog: _Catalog) -> LinkResult:
        if focus_id and focus_id in catalog.by_id:
            return LinkResult(LinkKind.LINKED, (catalog.by_id[focus_id],), 100.0, "focus")
        return LinkResult(LinkKind.NO_FOCUS)

    def _match(self, query: str, catalog: _Catalog) -> LinkResult:
        scored = []
        for entry in catalog.entries:
            s, via = _score(query, entry)
            if s >= CONSIDER:
                scored.append((s, via, entry))
        if not scored:
            return LinkResult(LinkKind.NONE)
        scored.sort(key=lambda t: (-t[0], t[2].product.name))
        best_score, best_via, best = scored[0]
        close = [t for t in scored if best_score - t[0] < MARGIN]
        families = {t[2].family for t in close}
        if len(families) == 1 and best_score >= ACCEPT:
            # one product, or variants of one family: the most reviewed variant
            chosen = max(close, key=lambda t: (self._count(t[2].product.id), t[0]))[2]
            return LinkResult(LinkKind.LINKED, (chosen.product,), best_score, best_via)
        # one candidate per family, best first, at most three
        seen: dict[str, _Entry] = {}
        for _, _, entry in close:
            if entry.family not in seen or self._count(entry.product.id) > self._count(
                seen[entry.family].product.id
            ):
                seen[entry.family] = entry
        candidates = tuple(e.product for e in list(seen.values())[:3])
        return LinkResult(LinkKind.AMBIGUOUS, candidates, best_score, best_via)

    def family_key(self, product_id: str) -> str:
        """The family a product belongs to (its normalised spoken name); its id when unknown."""
        return next((e.family for e in self.catalog().entries if e.product.id == product_id), product_id)

    def family_of(self, product: Product) -> Family | None:
        """The stored family of a listing, or None (a catalog from before families)."""
        return self.catalog().families.get(product.family_id)

    def phrase(self, product: Product) -> str:
        """The product as it fits in a sentence, by its family's name ("the Fire HD 8")."""
        family = self.family_of(product)
        return product_phrase(product, family.name if family else None)

    def speakable(self, product: Product) -> str:
        """The product's short spoken name: its family's name where it has one."""
        family = self.family_of(product)
        return family.name if family else speakable_name(product)

    def listings_named(self, product: Product, text: str) -> tuple[tuple[Product, ...], str]:
        """The listings of the product's family that `text` names by their variant ("the 32 GB
        one", "the magenta one") and that variant as spoken ("32 GB"); ((), "") when the
        text names no variant of it. Several listings can share what was said (every 32 GB
        colour): all of them are meant."""
        listings = self.listings(product)
        if len(listings) < 2:
            return (), ""
        said = _variant_terms(text)
        variants = {p.id: variant_words(p.name, p.brand, p.category) for p in listings}
        wanted = said & set().union(*variants.values())
        matching = tuple(p for p in listings if wanted and wanted <= variants[p.id])
        if not matching or len(matching) == len(listings):
            return (), ""
        label = spoken_variant(sorted(wanted, key=_capacity_first))
        return matching, label

    def listings(self, product: Product) -> tuple[Product, ...]:
        """Every listing of the product's family (the same spoken name in other colours,
        sizes or packs), the product itself first; a product without variants is alone."""
        catalog = self.catalog()
        family = next((e.family for e in catalog.entries if e.product.id == product.id), None)
        others = tuple(e.product for e in catalog.entries if e.family == family and e.product.id != product.id)
        return (product, *others) if family else (product,)

    def mentions(self, text: str, min_score: float = MENTION_ACCEPT) -> list[Mention]:
        """Every product named in `text` (lower-case words), without overlaps, in order.

        Windows of the raw words are normalised and compared with each product's names (exact
        fuzzy ratio), so "amazon tap loud enough" finds the Amazon Tap although "amazon" alone
        is filler; a one-word short name ("tap") counts only with the word it came with.
        Variants of one family (same spoken name) resolve to the most-reviewed one."""
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        if not spans:
            return []
        found: list[tuple[float, int, int, int, _Entry]] = []
        for entry in self.catalog().entries:
            name_words = set(_NON_WORD.sub(" ", entry.product.name.lower()).split())
            for variant in entry.variants:
                n = len(variant.split())
                for size in range(max(1, n - 1), n + 3):
                    for i in range(0, len(spans) - size + 1):
                        raw = text[spans[i][0] : spans[i + size - 1][1]]
                        window = normalise(raw)
                        if not window:
                            continue
                        if n == 1 and len(variant) < 4 and not (size >= 2 and set(raw.split()) <= name_words):
                            continue  # "tap" alone is a verb; "amazon tap" is the product
                        s = fuzz.ratio(window, variant)
                        if s >= min_score:
                            found.append((s, len(variant), i, i + size, entry))
        found.sort(key=lambda t: (-t[0], -t[1], t[3] - t[2], -self._count(t[4].product.id), t[2]))
        taken: list[Mention] = []
        used: set[int] = set()
        families: set[str] = set()
        for s, _, first, last, entry in found:
            if used & set(range(first, last)) or entry.family in families:
                continue
            used.update(range(first, last))
            families.add(entry.family)
            taken.append(Mention(entry.product, spans[first][0], spans[last - 1][1], s))
        return sorted(taken, key=lambda m: m.start)

    def find_mention(self, utterance: str | None, min_score: float = MENTION_ACCEPT) -> Product | None:
        """A product named inside free-form text ("is the echo dot loud"), or None.

        Word windows of the utterance are compared with each product's names and aliases
        (exact fuzzy ratio, no partial credit) so ordinary words do not link by accident.
        """
        words = normalise(utterance or "").split()
        if not words:
            return None
        catalog = self.catalog()
        best: tuple[float, int, str] | None = None
        chosen: _Entry | None = None
        for entry in catalog.entries:
            for variant in entry.variants:
                n = len(variant.split())
                if n == 1 and len(variant) < 4:
                    continue  # "dot", "tv": too easy to hit by accident
                for size in {max(1, n - 1), n, n + 1}:
                    for i in range(0, max(1, len(words) - size + 1)):
                        window = " ".join(words[i : i + size])
                        s = fuzz.ratio(window, variant)
                        key = (s, len(variant), entry.product.id)
                        if s >= min_score and (best is None or key > best):
                            best, chosen = key, entry
        return chosen.product if chosen is not None else None
