"""The aspects people talk about when they talk about products, and the words that name them.

Two vocabularies share the aspect names. QUESTION_TERMS is generous, for understanding what a
question asks about ("can i take it to the beach" asks about portability). REVIEW_TERMS is
strict, for counting what reviews talk about: a word that is usually about something else in a
review ("set", "last", "alexa" in every Echo review) is left out, and multiword terms name the
aspect precisely ("battery life", "set up", "easy to use").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# aspect -> words that name it in a question (whole words; multiword terms as phrases)
QUESTION_TERMS: Mapping[str, tuple[str, ...]] = {
    "battery": ("battery", "batteries", "charge", "charging", "charger", "recharge", "unplugged", "cordless"),
    "sound": ("sound", "speaker", "audio", "bass", "volume", "loud", "music", "treble", "stereo", "hear"),
    "screen": ("screen", "display", "glare", "resolution", "backlight", "brightness", "bright", "sun",
               "sunlight", "eyes", "eye", "picture", "pixel"),
    "durability": ("durable", "durability", "sturdy", "drop", "dropped", "break", "broke", "broken",
                   "last", "lasts", "lasting", "rugged", "scratch", "toddler-proof"),
    "price": ("price", "cost", "money", "expensive", "cheap", "value", "worth", "deal", "afford"),
    "size": ("size", "small", "big", "compact", "tiny", "large", "heavy", "weight", "light-weight", "fits"),
    "setup": ("setup", "set-up", "install", "installation", "configure", "set", "get going", "get started",
              "getting started", "up and running", "out of the box"),
    "app": ("app", "apps", "application", "netflix", "youtube", "games", "hulu", "spotify"),
    "connectivity": ("bluetooth", "wifi", "wi-fi", "pair", "pairing", "connect", "connection", "phone"),
    "ease of use": ("easy", "simple", "intuitive", "navigate", "user-friendly", "confusing", "complicated",
                    "learn"),
    "portability": ("portable", "carry", "travel", "beach", "outdoor", "outdoors", "outside", "camping",
                    "pool", "take", "trip"),
    "voice assistant": ("alexa", "voice", "hears", "understand", "commands", "microphone", "mic"),
    "video": ("video", "videos", "call", "calls", "calling", "camera", "skype", "movies", "movie",
              "watch", "recipes", "streaming", "stream"),
    "reading": ("read", "reading", "books", "ebook", "kindle", "pages", "font"),
    "kids": ("kid", "kids", "child", "children", "toddler", "son", "daughter", "grandson",
             "granddaughter", "parental", "year old"),
    "noise": ("noise", "noisy", "quiet", "silent"),
    "cleaning": ("clean", "cleaning", "suction", "hair", "shedding", "dust", "vacuum", "mop"),
    "taste": ("taste", "flavor", "flavour", "coffee", "delicious", "hot"),
    "speed": ("fast", "slow", "speed", "lag", "responsive", "quick", "buffer", "buffering", "freeze",
              "freezes", "freezing", "choppy", "stutter", "stutters"),
}

# aspect -> words that name it in a review sentence
REVIEW_TERMS: Mapping[str, tuple[str, ...]] = {
    "battery": ("battery", "batteries", "battery life", "charge", "charging", "charger", "recharge",
                "holds a charge"),
    "sound": ("sound", "sound quality", "sounds", "speaker", "speakers", "audio", "bass", "volume",
              "loud", "louder", "treble", "stereo"),
    "screen": ("screen", "display", "glare", "resolution", "backlight", "brightness", "pixels",
               "picture quality", "touchscreen", "touch screen"),
    "durability": ("durable", "durability", "sturdy", "dropped", "broke", "broken", "breaks", "rugged",
                   "scratches", "scratched", "cracked", "stopped working", "quit working", "died"),
    "price": ("price", "priced", "cost", "money", "expensive", "cheap", "inexpensive", "value",
              "affordable", "bargain", "deal"),
    "size": ("size", "compact", "tiny", "lightweight", "heavy", "weight", "bulky", "too small", "too big"),
    "setup": ("setup", "set up", "set-up", "install", "installation", "installed", "configure"),
    "app": ("app", "apps", "application", "applications", "netflix", "youtube", "hulu", "spotify",
            "games", "google play", "play store"),
    "connectivity": ("bluetooth", "wifi", "wi-fi", "pair", "pairing", "paired", "connection",
                     "connects", "connecting", "disconnects", "internet"),
    "ease of use": ("easy to use", "easy to set up", "simple to use", "user friendly", "user-friendly",
                    "intuitive", "confusing", "complicated", "easy to navigate", "learning curve"),
    "portability": ("portable", "portability", "carry", "travel", "traveling", "beach", "outdoors",
                    "camping", "on the go"),
    "voice assistant": ("voice recognition", "voice commands", "voice command", "understands",
                        "understand me", "microphone", "mic", "hears me", "wake word"),
    "video": ("video", "videos", "video calls", "camera", "movies", "streaming", "watch movies"),
    "reading": ("reading", "read books", "ebooks", "e-books", "books", "pages", "font", "e-reader", "ereader"),
    "kids": ("kid", "kids", "child", "children", "toddler", "grandson", "granddaughter", "parental controls",
             "year old", "grandkids"),
    "speed": ("speed", "slow", "lag", "lags", "laggy", "sluggish", "responsive", "snappy", "processor",
              "runs fast", "fast processor", "loads quickly", "loads fast", "buffering", "buffers",
              "freezes", "freezing", "choppy", "stutters"),  # not "fast": "dies fast"
    "storage": ("storage", "memory", "sd card", "micro sd", "gb"),
    "ads": ("ads", "special offers", "advertisements", "lock screen ads"),
}

_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")


def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """A whole-word regex for terms; a one-word term also matches its plural ("app" -> "apps")."""
    alternatives = sorted((re.escape(t) + ("s?" if " " not in t and not t.endswith("s") else "")
                           for t in terms), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + r")(?![a-z0-9'])")


class Vocabulary:
    """Compiled term patterns for one of the vocabularies above."""

    def __init__(self, terms: Mapping[str, tuple[str, ...]]) -> None:
        self.terms = terms
        self._patterns = {aspect: _pattern(words) for aspect, words in terms.items()}

    def aspects_in(self, text: str) -> tuple[str, ...]:
        """The aspects the text names, in taxonomy order."""
        low = " ".join(_WORD.findall(text.lower()))
        return tuple(a for a, pattern in self._patterns.items() if pattern.search(low))


def aspect_words(aspect: str) -> tuple[str, ...]:
    """Every word that names `aspect` in either vocabulary (for spotting evidence about it)."""
    words = (*QUESTION_TERMS.get(aspect, ()), *REVIEW_TERMS.get(aspect, ()))
    return tuple(dict.fromkeys(words)) or (aspect,)
