"""Verbatim comments for the demo warehouse, composed from the sentences of `comments.toml`.

A comment is up to four sentences: an opening, a subject sentence about the topic (always present), a
detail and a closing, each picked from lists keyed by language and sentiment (the subject also by topic).
Every fragment is a whole sentence, so any combination stays grammatical in every language. Selection is
vectorised: all fragments live in one Arrow string array and each slot is a `take` with random indices,
so composing a million comments costs a few array operations, not a Python loop per comment.

Mostly English; some Finnish, French, Hungarian, Spanish and Persian. Some fragments carry characters
that need HTML escaping ("<3", "Q&A", quotes), as real verbatims do.
"""

import tomllib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

LANGUAGES = ("en", "fi", "fr", "hu", "es", "fa")
LANGUAGE_SHARE = (0.78, 0.04, 0.06, 0.03, 0.06, 0.03)
SENTIMENTS = ("negative", "mixed", "positive")
TOPICS = (
    "website",
    "sales",
    "checkout",
    "store",
    "onboarding",
    "app",
    "billing",
    "waiting",
    "staff",
    "chat",
    "technician",
    "price",
    "overall",
    "workplace",
)
#: Employees' comments (eNPS) are about their work: opening + subject only, no customer-style detail.
EMPLOYEE_TOPICS = ("workplace",)
#: The slots besides the subject, each a list of sentences per sentiment ("" leaves the slot empty).
SLOTS = ("opening", "detail", "closing")

#: Per language: each slot's sentences by sentiment, and the subject's by topic, then by sentiment.
CORPUS = tomllib.loads((Path(__file__).with_name("comments.toml")).read_text(encoding="utf-8"))

ZWNJ = "\u200c"


def _spelled(language: str, text: str) -> str:
    """Persian's zero-width non-joiner, written "_" in the corpus file."""
    return text.replace("_", ZWNJ) if language == "fa" else text


def subject_sentences(language: str, sentiment: str) -> list[str]:
    """Every subject sentence of one language and sentiment (for tests: each comment contains one)."""
    return [
        _spelled(language, text) for topic in TOPICS for text in CORPUS[language]["subject"][topic][sentiment]
    ]


class _FragmentTable:
    """All fragments in one Arrow array, with (offset, count) per key so a slot is one `take`."""

    def __init__(self) -> None:
        texts = [""]  # index 0: the empty slot
        shape = (len(LANGUAGES), len(SENTIMENTS))
        self.offset = {slot: np.zeros(shape, np.int64) for slot in SLOTS}
        self.count = {slot: np.zeros(shape, np.int64) for slot in SLOTS}
        self.subject_offset = np.zeros((len(LANGUAGES), len(TOPICS), len(SENTIMENTS)), np.int64)
        self.subject_count = np.zeros_like(self.subject_offset)
        for li, language in enumerate(LANGUAGES):
            corpus = CORPUS[language]
            for si, sentiment in enumerate(SENTIMENTS):
                for slot in SLOTS:
                    options = corpus[slot][sentiment]
                    self.offset[slot][li, si] = len(texts)
                    self.count[slot][li, si] = len(options)
                    texts += [_spelled(language, t) + " " if t else "" for t in options]
                for ti, topic in enumerate(TOPICS):
                    options = corpus["subject"][topic][sentiment]
                    self.subject_offset[li, ti, si] = len(texts)
                    self.subject_count[li, ti, si] = len(options)
                    texts += [_spelled(language, t) + " " for t in options]
        self.texts = pa.array(texts, pa.string())

    def pick(self, rng, offset: np.ndarray, count: np.ndarray) -> pa.Array:
        index = offset + (rng.random(len(offset)) * count).astype(np.int64)
        return self.texts.take(pa.array(index))


_TABLE = _FragmentTable()


def compose(rng: np.random.Generator, sentiment: np.ndarray, topic: np.ndarray) -> pa.Array:
    """One comment per element: `sentiment` indexes SENTIMENTS, `topic` indexes TOPICS."""
    language = rng.choice(len(LANGUAGES), size=len(sentiment), p=LANGUAGE_SHARE)
    table = _TABLE
    opening = table.pick(
        rng, table.offset["opening"][language, sentiment], table.count["opening"][language, sentiment]
    )
    subject = table.pick(
        rng,
        table.subject_offset[language, topic, sentiment],
        table.subject_count[language, topic, sentiment],
    )
    employee = np.isin(topic, [TOPICS.index(t) for t in EMPLOYEE_TOPICS])
    extras = []
    for slot in ("detail", "closing"):
        offset = np.where(employee, 0, table.offset[slot][language, sentiment])
        count = np.where(employee, 1, table.count[slot][language, sentiment])
        extras.append(table.pick(rng, offset, count))
    joined = pc.binary_join_element_wise(opening, subject, *extras, "")
    return pc.utf8_rtrim_whitespace(joined)
