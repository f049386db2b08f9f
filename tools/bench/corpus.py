"""Comment bodies like readers write, shared by Briefing's seed and the peers'."""

import random

_WORDS = [
    "the",
    "oil",
    "gas",
    "sector",
    "sanctions",
    "shelf",
    "exploration",
    "ambassador",
    "talks",
    "deal",
    "market",
    "price",
    "barrel",
    "pipeline",
    "cooperation",
    "north",
    "south",
    "border",
    "winter",
    "export",
    "import",
    "budget",
    "policy",
    "analysts",
    "report",
    "minister",
    "treaty",
    "energy",
]


def comment_body(rng: random.Random, n: int) -> str:
    """A comment like readers write: a sentence or a few paragraphs, now and
    then a web address."""
    sentences = [
        " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 18))).capitalize()
        + "."
        for _ in range(rng.randint(1, 6))
    ]
    if n % 7 == 3:
        sentences.append(f"Source: https://example.com/news/{n}")
    if n % 5 == 0 and len(sentences) > 2:
        return " ".join(sentences[:2]) + "\n\n" + " ".join(sentences[2:])
    return " ".join(sentences)
