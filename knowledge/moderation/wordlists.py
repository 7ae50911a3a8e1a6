"""Word lists the moderation rules match against, kept apart from the rules that use them.

Matching is always whole-word (after leetspeak folding), so words that merely contain one of
these ("Scunthorpe", "assess", "class", "cocktail", "grape") are never touched. Everyday
words with a clean second meaning (cock, balls, pussy, dick as in "Moby Dick") are left out
on purpose: a masked book title is a worse failure than a rare missed insult.
"""

from __future__ import annotations

PROFANITY: frozenset[str] = frozenset(
    {
        "arse", "arsehole", "ass", "asses", "asshole", "assholes", "bastard", "bastards",
        "bitch", "bitches", "bitchy", "bollocks", "bullshit", "crap", "crappy", "cunt",
        "cunts", "damn", "damned", "dammit", "dickhead", "dipshit", "douche", "douchebag",
        "fuck", "fucked", "fucker", "fuckers", "fucking", "fuckin", "fucks", "fuk", "fml",
        "goddamn", "goddamnit", "horseshit", "jackass", "motherfucker", "motherfucking",
        "piss", "pissed", "pissing", "prick", "pricks", "shit", "shits", "shitty", "shite",
        "shithead", "slut", "sluts", "twat", "wanker", "wankers", "whore", "whores", "wtf",
        "stfu",
    }
)

# Slurs are never published: content containing one is rejected outright.
SLURS: frozenset[str] = frozenset(
    {
        "chink", "chinks", "dyke", "dykes", "fag", "fags", "faggot", "faggots", "gook",
        "gooks", "kike", "kikes", "nigga", "niggas", "nigger", "niggers", "paki", "pakis",
        "raghead", "retard", "retards", "retarded", "spic", "spics", "tranny", "trannies",
        "wetback", "wetbacks",
    }
)

# Insults that make a sentence a personal attack when aimed at someone ("you are an idiot").
INSULTS: frozenset[str] = frozenset(
    {
        "idiot", "idiots", "moron", "morons", "stupid", "dumb", "loser", "losers", "pathetic",
        "worthless", "imbecile", "ugly", "fat", "scum", "trash", "garbage", "clown",
        "liar", "freak", "disgusting", "useless", "dumbass", "jerk",
    }
    | PROFANITY
)

# Phrases that threaten or incite self-harm: rejected like slurs.
THREATS: tuple[str, ...] = (
    r"kill\s+your\s*self",
    r"kill\s+yourselves",
    r"\bkys\b",
    r"go\s+die\b",
    r"i(?:'ll|\s+will|\s+am\s+going\s+to|\s+gonna)\s+(?:kill|hurt|find)\s+you",
    r"hope\s+you\s+die",
)

# Phrases typical of spam and self-promotion (matched case-insensitively on word boundaries).
SPAM_PHRASES: tuple[str, ...] = (
    "buy now",
    "click here",
    "click the link",
    "check out my",
    "visit my",
    "follow me",
    "subscribe to my",
    "dm me",
    "whatsapp me",
    "free money",
    "make money fast",
    "earn money",
    "work from home",
    "limited time offer",
    "act now",
    "promo code",
    "discount code",
    "use my code",
    "100% free",
    "guaranteed income",
    "crypto giveaway",
    "double your money",
    "cheap pills",
    "miracle cure",
)
