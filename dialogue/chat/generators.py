"""Response generators of social chat: each reads the ChatContext and proposes candidates.

Every generator is a plain function (stateless): context in, candidates out. Their order in
`GENERATORS` breaks ties between equal priorities. Product talk, customer views and community
questions are grounded in the knowledge base (reviews, ratings, answers); opinions and
interests the user shares are acknowledged and remembered; small talk comes from the generator
when one is configured, with templated questions as the fallback; the closer always has a
graceful way out, so no turn is a dead end.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from dialogue.answers import tidy_for_voice
from dialogue.chat.candidates import Candidate, ChatContext, ChatUpdate, Priority
from dialogue.chat.respond import respond
from dialogue.linking import product_phrase
from dialogue.reply import Say
from dialogue.summaries import sentence_polarity, spoken_list
from knowledge.index.passages import split_sentences
from knowledge.model import Product, Review

# category id -> (spoken label, words that mention it)
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "devices": ("gadgets", ("gadget", "gadgets", "device", "devices", "tech", "technology",
                            "smart home", "alexa", "speaker", "tablet", "electronics", "echo")),
    "books": ("books", ("book", "books", "reading", "read", "novel", "novels", "story",
                        "stories", "fiction", "kindle", "cookbook")),
    "music": ("music", ("music", "album", "albums", "song", "songs", "vinyl", "band", "bands",
                        "jazz", "rock", "listening", "records")),
    "home": ("things for the home", ("home", "kitchen", "cooking", "cook", "coffee", "cleaning",
                                      "vacuum", "house", "garden", "air")),
}
SMALL_TALK_KEYS = tuple(f"chat.small.{i}" for i in range(1, 11))
QUOTE_QUESTIONS = ("chat.ask.tried", "chat.ask.agree", "chat.ask.sound_good")
MAX_CHAT_QUOTE = 170
TOPIC_DEPTH = 3  # turns on one product before another topic is preferred


def category_of(text: str) -> str | None:
    """The category a free-form phrase talks about ("I love reading" -> "books"), or None."""
    words = f" {' '.join(text.lower().split())} "
    for category, (_, cues) in CATEGORIES.items():
        if any(f" {cue} " in words for cue in cues):
            return category
    return None


def category_label(category: str) -> str:
    """How a category is spoken ("home" -> "things for the home")."""
    return CATEGORIES.get(category, (category or "products", ()))[0]


_REFERRING = frozenset({"it", "its", "it's", "they", "them", "their", "this", "that", "these", "those", "one"})
_FILLER_WORDS = frozenset(
    """i i'm im me my a an the is was are were be been do does did not no yes yeah really very so
    quite too bit little lot think thought guess maybe probably would could should might will
    just kind sort of for to and but or how much more less like love hate don't didn't thing
    stuff sure nah nope okay ok fine idea""".split()
)


def reads_as_opinion(utterance: str, product: Product) -> bool:
    """Whether a free-form answer is about the product we asked about: it refers back ("I love
    how small it is"), names the product, or says nothing but an opinion ("not really my
    thing"); "what about rainy days" is a new topic, not an opinion."""
    words = [w.strip(".,!?") for w in utterance.lower().split()]
    if set(words) & _REFERRING:
        return True
    name_words = {w.lower() for w in product_phrase(product).split()} - {"the"}
    if name_words & set(words):
        return True
    rest = [w for w in words if w and w not in _FILLER_WORDS and sentence_polarity(w) == 0]
    return not rest


def _short_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _name(product: Product) -> str:
    return product_phrase(product)


# --- acknowledgements (prefixes) ---------------------------------------------------------------
def listen(ctx: ChatContext) -> list[Candidate]:
    """Acknowledge what the user said to our last question, and remember it."""
    chat, out = ctx.chat, []
    turn = chat.turns
    if ctx.category and not ctx.mentioned:
        # a category named (in answer to anything): an interest worth remembering
        label = category_label(ctx.category)
        out.append(Candidate("listen", Priority.ANSWER, f"ack:int:{turn}",
                             (Say("chat.ack.interest", {"interest": label}),),
                             ChatUpdate(remember_interest=ctx.category, topic=label), prefix=True))
    elif chat.awaiting == "opinion" and ctx.topic_product is not None:
        name = _name(ctx.topic_product)
        if ctx.utterance and not ctx.mentioned and reads_as_opinion(ctx.utterance, ctx.topic_product):
            out.append(Candidate("listen", Priority.ANSWER, f"ack:op:{turn}",
                                 (Say("chat.ack.opinion", {"product": name}),),
                                 ChatUpdate(remember_opinion=(ctx.topic_product.name, ctx.utterance)),
                                 prefix=True))
        elif ctx.yes_no:
            out.append(Candidate("listen", Priority.ANSWER, f"ack:yn:{turn}",
                                 (Say(f"chat.ack.{ctx.yes_no}", {"product": name}),),
                                 ChatUpdate(remember_opinion=(ctx.topic_product.name, ctx.yes_no)),
                                 prefix=True))
    elif chat.awaiting == "interest":
        if ctx.category:
            label = category_label(ctx.category)
            out.append(Candidate("listen", Priority.ANSWER, f"ack:int:{turn}",
                                 (Say("chat.ack.interest", {"interest": label}),),
                                 ChatUpdate(remember_interest=ctx.category, topic=label), prefix=True))
        elif ctx.utterance:
            out.append(Candidate("listen", Priority.ANSWER, f"ack:int:{turn}",
                                 (Say("chat.ack.heard"),),
                                 ChatUpdate(remember_interest=ctx.utterance[:60]), prefix=True))
    elif chat.awaiting == "more" and ctx.yes_no == "no":
        out.append(Candidate("listen", Priority.ANSWER, f"ack:nomore:{turn}",
                             (Say("chat.ack.no_more"),), prefix=True))
    elif not chat.active:
        out.append(Candidate("listen", Priority.ANSWER, f"ack:start:{turn}",
                             (Say("chat.start"),), prefix=True))
    return out


# --- content ------------------------------------------------------------------------------------
def product_talk(ctx: ChatContext) -> list[Candidate]:
    """Share one new customer quote about the product being talked about."""
    product = ctx.mentioned or ctx.topic_product
    if product is None or (_declined(ctx) and not ctx.mentioned):
        return []
    # "yes" to "want to hear what they say?", or a product named again after its overview
    asked_for = (ctx.chat.awaiting == "more" and ctx.yes_no == "yes") or (
        ctx.mentioned is not None and not ctx.fresh(f"view:{product.id}")
    )
    priority = Priority.FORCE if asked_for else _continue_priority(ctx, product)
    for review in varied_reviews(ctx.reviews_for(product.id)):
        for i, sentence in enumerate(split_sentences(review.text)[:4]):
            quote = tidy_for_voice(sentence)
            key = f"quote:{product.id}:{review.id}:{i}"
            if not 30 <= len(quote) <= MAX_CHAT_QUOTE or sentence_polarity(quote) == 0 or not ctx.fresh(key):
                continue
            question = QUOTE_QUESTIONS[ctx.chat.turns % len(QUOTE_QUESTIONS)]
            return [Candidate(
                "product_talk", priority, key,
                (Say("chat.quote", {"product": _name(product), "stars": review.rating, "quote": quote}),
                 Say(question, {"product": _name(product)})),
                ChatUpdate(topic=_name(product), topic_product_id=product.id, awaiting="opinion",
                           remember_product=product.id),
            )]
    return []


def _declined(ctx: ChatContext) -> bool:
    """The user said no to our question about the current product: move on to another."""
    return ctx.yes_no == "no" and ctx.chat.awaiting in ("more", "opinion")


def _continue_priority(ctx: ChatContext, product: Product) -> Priority:
    """CONTINUE while the topic is fresh; after TOPIC_DEPTH of the last turns were about this
    product, FILLER, so a new topic (SWITCH) takes over and the chat stays varied."""
    recent = ctx.state.recent[-(TOPIC_DEPTH + 1):]
    depth = sum(f":{product.id}" in key for key in recent)
    return Priority.CONTINUE if depth < TOPIC_DEPTH else Priority.FILLER


def varied_reviews(reviews: Sequence[Review]) -> list[Review]:
    """Reviews in an order that alternates happy and unhappy voices (deterministic)."""
    happy = [r for r in reviews if r.rating >= 4]
    other = [r for r in reviews if r.rating < 4]
    out: list[Review] = []
    for i in range(max(len(happy), len(other))):
        out.extend(x[i] for x in (happy, other) if i < len(x))
    return out


def customer_view(ctx: ChatContext) -> list[Candidate]:
    """What customers think overall: average stars and the aspects they praise."""
    product = ctx.mentioned or ctx.topic_product
    if product is None or (_declined(ctx) and not ctx.mentioned):
        return []
    key = f"view:{product.id}"
    if not ctx.fresh(key):
        return []
    priority = Priority.FORCE if ctx.mentioned is not None else _continue_priority(ctx, product)
    summary = ctx.summary_for(product)
    if summary.review_count == 0:
        return []
    speech = [Say("chat.view", {"product": _name(product), "count": summary.review_count,
                                "rating": float(summary.average_rating)})]
    if summary.praised:
        speech.append(Say("chat.view.praise", {"aspects": spoken_list([a.term for a in summary.praised[:2]])}))
    speech.append(Say("chat.ask.matters"))
    return [Candidate("customer_view", priority, key, tuple(speech),
                      ChatUpdate(topic=_name(product), topic_product_id=product.id, awaiting="opinion",
                                 remember_product=product.id))]


def community_talk(ctx: ChatContext) -> list[Candidate]:
    """A question the community asked about the product, with its best answer."""
    product = ctx.topic_product
    if product is None or ctx.mentioned is not None:
        return []
    if _declined(ctx):
        return []
    for question in ctx.questions_for(product.id):
        key = f"qa:{product.id}:{question.id}"
        answers = sorted((a for a in question.answers if a.text.strip()), key=lambda a: -a.votes)
        if not answers or not ctx.fresh(key) or len(question.text) > 160:
            continue
        answer = tidy_for_voice(split_sentences(answers[0].text)[0]) if split_sentences(answers[0].text) else ""
        if not answer or len(answer) > MAX_CHAT_QUOTE:
            continue
        return [Candidate("community_talk", _continue_priority(ctx, product), key,
                          (Say("chat.community", {"product": _name(product),
                                                  "question": tidy_for_voice(question.text).rstrip(".?!"),
                                                  "answer": answer}),
                           Say("chat.ask.wonder", {"product": _name(product)})),
                          ChatUpdate(awaiting="opinion", remember_product=product.id))]
    return []


def suggest(ctx: ChatContext) -> list[Candidate]:
    """Bring up another product: in the category just named, the user's interests, or the
    category of the current topic."""
    wanted: list[str] = []
    if ctx.category:
        wanted.append(ctx.category)
    wanted.extend(i for i in ctx.memory.interests if i in CATEGORIES)
    if ctx.topic_product is not None and ctx.topic_product.category:
        wanted.append(ctx.topic_product.category)
    wanted.extend(c for c in CATEGORIES if c not in wanted)
    priority = Priority.FORCE if ctx.category and ctx.mentioned is None else Priority.SWITCH
    current = ctx.topic_product.id if ctx.topic_product else None
    for category in dict.fromkeys(wanted):
        for product in ctx.products:
            key = f"suggest:{product.id}"
            if product.category != category or product.id == current or not ctx.fresh(key):
                continue
            if any(f":{product.id}" in said for said in ctx.state.recent):
                continue  # already talked about in this session
            summary = ctx.summary_for(product)
            if summary.review_count < 3:
                continue
            return [Candidate("suggest", priority, key,
                              (Say("chat.suggest", {"interest": category_label(category), "product": _name(product),
                                                    "rating": float(summary.average_rating),
                                                    "count": summary.review_count}),
                               Say("chat.ask.hear_more")),
                              ChatUpdate(topic=_name(product), topic_product_id=product.id, awaiting="more"))]
            # only one suggestion per category is considered per turn
        priority = Priority.SWITCH
    return []


def ask_interest(ctx: ChatContext) -> list[Candidate]:
    """Ask what the user enjoys, once, when we do not know their interests yet."""
    key = "ask:interest"
    if ctx.memory.interests or not ctx.fresh(key) or ctx.category:
        return []
    return [Candidate("ask_interest", Priority.SWITCH, key, (Say("chat.ask.interest"),),
                      ChatUpdate(awaiting="interest"))]


def recall(ctx: ChatContext) -> list[Candidate]:
    """At the start of a chat, come back to a product discussed in an earlier session."""
    if ctx.chat.active or ctx.mentioned or ctx.category or not ctx.memory.products_discussed:
        return []
    by_id = {p.id: p for p in ctx.products}
    for product_id in reversed(ctx.memory.products_discussed):
        product = by_id.get(product_id)
        key = f"recall:{product_id}"
        if product is not None and ctx.fresh(key) and not any(f":{product_id}" in k for k in ctx.state.recent):
            return [Candidate("recall", Priority.CONTINUE, key,
                              (Say("chat.recall", {"product": _name(product)}),),
                              ChatUpdate(topic=_name(product), topic_product_id=product.id, awaiting="opinion"))]
    return []


def small_talk(ctx: ChatContext) -> list[Candidate]:
    """Small talk: a generated friendly reply to what the user said (when a generator is on
    and nothing more specific acknowledges it), spoken before the next response; and a
    templated question not asked yet, the filler when nothing else is left."""
    out = []
    chatty = ctx.utterance and not ctx.mentioned and not ctx.category and not ctx.closing
    answering = ctx.chat.awaiting == "interest" or (
        ctx.chat.awaiting == "opinion"
        and ctx.topic_product is not None
        and reads_as_opinion(ctx.utterance, ctx.topic_product)
    )
    if chatty and not answering:
        reply = ctx.small_talk(ctx.utterance)
        key = f"gen:{_short_key(reply)}"
        if reply and ctx.fresh(key):
            out.append(Candidate("small_talk", Priority.FILLER, key, (Say("chat.echo", {"text": reply}),),
                                 prefix=True))
    for question in SMALL_TALK_KEYS:
        if ctx.fresh(question):
            out.append(Candidate("small_talk", Priority.FILLER, question, (Say(question),),
                                 ChatUpdate(awaiting="interest")))
            break
    return out


def close(ctx: ChatContext) -> list[Candidate]:
    """End the chat gracefully: forced when the user wants to stop, else the last resort."""
    priority = Priority.FORCE if ctx.closing else Priority.CLOSE
    key = f"close:{ctx.chat.turns}"
    return [Candidate("close", priority, key, (Say("chat.close"), Say("anything_else.prompt")),
                      ChatUpdate(end_chat=True))]


GeneratorFn = Callable[[ChatContext], list[Candidate]]


# Order breaks ties between equal priorities (earlier wins).
GENERATORS: tuple[tuple[str, GeneratorFn], ...] = (
    ("close", close),
    ("respond", respond),
    ("listen", listen),
    ("recall", recall),
    ("product_talk", product_talk),
    ("customer_view", customer_view),
    ("community_talk", community_talk),
    ("suggest", suggest),
    ("ask_interest", ask_interest),
    ("small_talk", small_talk),
)
