"""What the person means: one place that turns (intent, slots, words, state) into a Meaning.

Alexa hands the skill an intent and slot values; the words people use rarely line up with
slots ("is the amazon tap loud enough" can arrive as Product "amazon", Query "tap loud
enough"). So understanding works over all the words heard: it finds every product named
anywhere in them (or the product in focus when they say "it", "that one", or only name an
aspect), the aspect asked about, and the dialogue act: a question, a request for a
recommendation, a comparison, a statement of fact or experience, or nothing to say. Rules
are general phrase shapes of English, not sentences of any test.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dialogue.linking import ProductLinker
from knowledge.aspects import QUESTION_TERMS, question_aspects
from knowledge.model import Product


class Act(str, enum.Enum):
    """The dialogue act of a turn."""

    QUESTION = "question"  # about a product (named or in focus)
    SUMMARY = "summary"  # "what do people say about X", "tell me about X"
    RECOMMEND = "recommend"  # a need: "what speaker is good for music"
    COMPARE = "compare"  # two products, "which is better"
    STATEMENT = "statement"  # fact, experience or opinion: "my son dropped his last one"
    ASK_OPINION = "ask_opinion"  # "what do you think about vinyl records"
    THANKS = "thanks"  # an acknowledgement with thanks: "cool thanks", "great, that helps"
    CHAT = "chat"  # asks to chat: "let's just talk for a bit", "can we chat about cooking"
    NOTHING = "nothing"  # "i don't know", "ok", "i'm bored"


ASPECTS = QUESTION_TERMS  # the question vocabulary lives with the knowledge it describes

_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_PRONOUN = re.compile(r"\b(it|its|it's|they|them|their|that one|this one|the one|that|this)\b")
_QUESTION_START = re.compile(
    r"^(?:and |so |but |ok |okay |well |hey )?(?:is|are|was|does|do|did|can|could|will|would|should|has|have|how|"
    r"what|what's|whats|which|why|when|where|who|any|tell me|i wonder|i'd like to know)\b"
)
_RECOMMEND = re.compile(
    r"\b(?:recommend\w*|suggest\w*|suggestion\w*|should i (?:buy|get|pick|choose)|which (?:\w+ ){0,3}should i|"
    r"what(?:'s| is) (?:a |the )?(?:good|best|nice|great)|what (?:\w+ ){1,3}(?:is|are|would be) (?:good|best|great)"
    r"|which (?:\w+ ){0,3}(?:is|are) (?:the )?best|i need (?:something|a |an |some )|i(?:'m| am) looking for|"
    r"i want (?:something|a |an |to buy|to get)|looking for (?:a |an |something)|help me (?:find|choose|pick)|"
    r"good gift|a gift for|good for (?:a |my )?(?:gift|present)|any ideas? for|what (?:can|could|should) i (?:get|buy))"
)
_COMPARE = re.compile(r"\b(?:better|worse|compare|comparison|versus|vs|difference between|or the)\b")
_SUMMARY = re.compile(
    r"\b(?:what do (?:people|customers|reviewers|folks|buyers) (?:say|think)|what are (?:people|customers) saying|"
    r"tell me about|(?:talk|chat|chatting|talking) about|what about the reviews|how are the reviews|reviews? (?:of|for)|"
    r"how do (?:people|customers|reviewers|folks|buyers|owners|users) (?:like|rate|find)|"
    r"what(?:'s| is) the (?:word|verdict|consensus|buzz|feedback|general opinion|opinion|story) (?:on|about|with)|"
    r"what are (?:the )?reviews like|how(?:'s| is| are) (?:it |they )?(?:rated|reviewed)|what(?:'s| is) (?:it |the )?rated)\b"
)
_ASK_OPINION = re.compile(
    r"\b(?:what do you think (?:of|about)|do you like|how do you feel about|what's your (?:opinion|take)|"
    r"have you (?:heard|tried)|what are your thoughts)\b"
)
_NOTHING = re.compile(
    r"^(?:i )?(?:don'?t know|dunno|not sure|no idea|ok|okay|fine|whatever|nothing|i'?m bored|bored|"
    r"anything|you (?:choose|pick|decide)|surprise me|hmm+|um+|uh+|i have no idea|nothing really|no clue|"
    r"not much|i guess|meh|sure|cool|nice)$"
)
# An acknowledgement is a run of these units; it thanks when one of them is gratitude.
_ACK_UNIT = (
    r"(?:ok|okay|cool|great|nice|awesome|perfect|good|alright|all right|wonderful|brilliant|lovely|super|"
    r"sweet|excellent|fantastic|amazing|wow|oh|ah|right|yes|yeah|yep|really|very|so|much|a lot|again|"
    r"got it|i see|makes sense|good to know|that'?s|that is|that was|it was|this is|you're|you are|"
    r"helpful|useful|handy|interesting|great help|a (?:big |great )?help|that helps|this helps|it helps|"
    r"thanks?|thank you|thankyou|thx|ty|cheers|ta|many thanks|(?:i )?appreciate (?:it|that|the help)|"
    r"much appreciated|kind of you|the best|a star)"
)
_ACKNOWLEDGEMENT = re.compile(rf"^(?:{_ACK_UNIT}\s*)+$")
_GRATITUDE = re.compile(r"\b(?:thanks?|thank you|thankyou|thx|ty|cheers|ta|appreciat\w*|helps|help|helpful|useful|handy|good to know|got it)\b")
_CHAT_REQUEST = re.compile(
    r"^(?:(?:so|ok|okay|well|hey|um+|alexa|actually|honestly)\s+)*"
    r"(?:let'?s|let us|can we|could we|shall we|how about we|why don'?t we|do you (?:want|wanna) to|"
    r"(?:i|i'd|i would) (?:just )?(?:want|wanna|like|feel like|would like|need) (?:to )?|i wanna|wanna)\s*"
    r"(?:just |have |a |little )*(?:chat|chatting|talk|talking|natter|chinwag)\b(?P<rest>.*)$"
)
_CHAT_ABOUT = re.compile(r"\b(?:about|on)\s+(?P<topic>.+)$")
PERSONAL = re.compile(r"\b(?:i|i'm|im|i've|i'd|my|me|we|our|us|mine)\b")  # the speaker talks about themselves
MAX_FRAGMENT_WORDS = 5
_COMPLAINT = re.compile(r"\b(?:complain\w*|dislike\w*|hate|problem\w*|issue\w*|downside\w*|cons|wrong|negative|bad)\b")


MAX_ECHO_WORDS = 12
_SECOND_PERSON = {
    "i": "you", "i'm": "you're", "im": "you're", "am": "are", "my": "your", "me": "you", "mine": "yours",
    "myself": "yourself", "we": "you", "we're": "you're", "our": "your", "ours": "yours", "us": "you",
    "i've": "you've", "i'd": "you'd", "i'll": "you'll", "ive": "you've", "you": "I", "your": "my",
}
_LEADING = re.compile(r"^(?:well|so|um+|uh+|oh|hey|yeah|yes|no|actually|honestly|ok|okay)\s+")


def second_person(statement: str) -> str:
    """The statement as said back to its speaker ("i love jazz" -> "you love jazz")."""
    words = _LEADING.sub("", " ".join(statement.lower().split())).split()[:MAX_ECHO_WORDS]
    out = []
    for i, word in enumerate(words):
        if word == "was" and i > 0 and words[i - 1] == "i":
            out.append("were")
        else:
            out.append(_SECOND_PERSON.get(word, word))
    return " ".join(out).rstrip(".!?,")


@dataclass(frozen=True)
class Meaning:
    """What one turn means, as far as the words and the state tell."""

    act: Act
    text: str  # every word heard, lower case
    products: tuple[Product, ...] = ()  # named in the words, in order of mention
    focus: Product | None = None  # the product meant by "it" or implied by an aspect-only follow-up
    aspects: tuple[str, ...] = ()
    query: str = ""  # the words with product names taken out (what is asked about)
    complaint: bool = False  # asks what is wrong ("what do people dislike about it")

    @property
    def product(self) -> Product | None:
        """The one product the turn is about (named first, else the one in focus)."""
        return self.products[0] if self.products else self.focus


def aspects_in(text: str) -> tuple[str, ...]:
    """The aspects a text names, in taxonomy order ("how long does the battery last" ->
    battery, durability)."""
    return question_aspects(text)



def chat_topic(text: str) -> str:
    """What a request to chat is about ("let's talk about cooking" -> "cooking"; '' for none)."""
    match = _CHAT_REQUEST.match(text)
    about = _CHAT_ABOUT.search(match.group("rest")) if match else None
    return about.group("topic").strip() if about else ""


def heard_words(slots: Mapping[str, str | None], order: Sequence[str]) -> str:
    """Every slot value heard, joined in the order the intent's samples put them."""
    return " ".join(v for v in (slots.get(name) for name in order) if v).strip()


def understand(
    text: str,
    linker: ProductLinker,
    focus_id: str | None = None,
    intent_act: Act | None = None,
    named: Sequence[Product] = (),
    chatting: bool = False,
) -> Meaning:
    """The meaning of `text` (every word heard) in the dialogue state.

    `intent_act` is what the intent already says (a ReviewSummaryIntent is a summary request);
    `named` are products entity resolution already matched; `chatting` says whether a chat is on
    (a statement then is part of the chat, and so is a question with no product).
    """
    words = " ".join(_WORD.findall(text.lower().replace("’", "'")))
    mentions = linker.mentions(words)
    products = tuple(dict.fromkeys([*named, *(m.product for m in mentions)]))
    query = words
    for mention in sorted(mentions, key=lambda m: -m.start):
        query = query[: mention.start] + query[mention.end :]
    query = " ".join(query.split())
    aspects = aspects_in(query)
    focus = linker.get(focus_id) if focus_id else None
    refers = bool(_PRONOUN.search(query))
    complaint = bool(_COMPLAINT.search(query))

    def meaning(act: Act) -> Meaning:
        implied = refers or aspects or not products or intent_act is Act.QUESTION
        return Meaning(act, words, products, focus if implied else None, aspects, query, complaint)

    if intent_act in (Act.SUMMARY, Act.COMPARE) and (products or focus):
        return meaning(intent_act)
    if _ACKNOWLEDGEMENT.match(words) and _GRATITUDE.search(words):
        return meaning(Act.THANKS)
    if _NOTHING.match(words):
        return meaning(Act.NOTHING)
    if _CHAT_REQUEST.match(words) and not products:
        return meaning(Act.CHAT)
    if len(products) >= 2 and _COMPARE.search(words):
        return meaning(Act.COMPARE)
    if _ASK_OPINION.search(words) and not refers:
        return meaning(Act.ASK_OPINION)
    if intent_act is Act.QUESTION and (products or focus is not None):
        return meaning(Act.QUESTION)  # the intent's own sample asked about the product
    if intent_act is Act.RECOMMEND or (_RECOMMEND.search(words) and not (refers and focus)):
        return meaning(Act.RECOMMEND)
    if products and _SUMMARY.search(words) and not aspects:
        return meaning(Act.SUMMARY)
    question = bool(_QUESTION_START.match(words)) or text.rstrip().endswith("?")
    personal = bool(PERSONAL.search(words))
    if focus is not None and aspects and not products and not personal and len(query.split()) <= MAX_FRAGMENT_WORDS:
        return meaning(Act.QUESTION)  # an aspect alone, about the product in focus: "and the battery"
    if products and (question or intent_act is Act.QUESTION or aspects):
        return meaning(Act.QUESTION)
    if products and not chatting and len(query.split()) <= 2:
        return meaning(Act.SUMMARY)  # just a name, or "the echo dot please"
    if focus is not None and (question or intent_act is Act.QUESTION) and (refers or aspects or complaint):
        return meaning(Act.QUESTION)
    if question and not chatting and focus is not None:
        return meaning(Act.QUESTION)
    if question and not chatting and aspects and not products:
        return meaning(Act.RECOMMEND)  # "what's best for reading in bed"
    return meaning(Act.STATEMENT)
