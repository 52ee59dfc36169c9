"""Okapi BM25 over text chunks, with scores normalized into [0, 1].

Terms are the word tokens (``\\w+``) of the documented tokenizer, case-folded; punctuation is not a term.
For a query ``q`` (its terms, repeats counted) and a chunk ``d`` among ``N`` chunks::

    idf(t)     = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))          n(t): chunks holding t
    bm25(q, d) = sum over t in q of idf(t) * tf(t, d) * (k1 + 1) / (tf(t, d) + k1 * (1 - b + b * |d| / avgdl))
    share      = bm25(q, d) / sum over t in q of idf(t) * (k1 + 1)
    score      = 1 - (1 - share) ** CURVE

with ``k1 = 1.2`` and ``b = 0.75``. Each term's share of BM25 stays below ``idf(t) * (k1 + 1)``, so ``share`` is
the fraction of the best BM25 the query could reach: in [0, 1), higher when more (and rarer) query terms occur,
more often, in a shorter chunk. A chunk of average length holding each query term once has ``share = 1 / (k1 +
1)``, about 0.45, where the live ranker scored such a hit about 0.75: the score bends ``share`` onto the live scale
(``CURVE`` is chosen so that this chunk scores :data:`FULL_MATCH`), keeping its order, 0 and the bound 1, so that
the ``score_threshold`` users set keeps its meaning. Scores are rounded to 6 decimals. Everything is computed in a
fixed order, so the same corpus and query always give the same scores.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

WORD = re.compile(r"\w+")  # the word tokens of chunking.TOKEN
K1 = 1.2
B = 0.75
FULL_MATCH = 0.75  # the live ranker's score for a chunk made of the query's own words
CURVE = math.log(1 - FULL_MATCH) / math.log(1 - 1 / (K1 + 1))  # about 2.29


def calibrated(share: float) -> float:
    """A BM25 share in [0, 1) on the live ranker's scale: monotone, 0 stays 0, under 1."""
    return 1.0 - float((1.0 - share) ** CURVE)


def terms(text: str) -> list[str]:
    return [word.casefold() for word in WORD.findall(text)]


def term_counts(text: str) -> Counter[str]:
    return Counter(terms(text))


class Bm25Index:
    """The term statistics of a corpus of chunks (given as their term counts), and a query's score per chunk."""

    def __init__(self, counts: Sequence[Counter[str]]) -> None:
        self.counts = counts
        self.lengths = [chunk.total() for chunk in counts]
        self.average = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        self.holding: Counter[str] = Counter()
        for chunk in self.counts:
            self.holding.update(chunk.keys())

    def idf(self, term: str) -> float:
        n, total = self.holding[term], len(self.counts)
        return math.log(1 + (total - n + 0.5) / (n + 0.5))

    def scores(self, query: Sequence[str]) -> list[float]:
        """One score in [0, 1] per chunk, in corpus order; 0 for a chunk holding none of the query's terms."""
        wanted = [term for text in query for term in terms(text)]
        weights = {term: self.idf(term) for term in wanted}
        best = sum(weights[term] * (K1 + 1) for term in wanted)
        out: list[float] = []
        for counts, length in zip(self.counts, self.lengths, strict=True):
            norm = K1 * (1 - B + B * length / self.average) if self.average else K1
            raw = 0.0
            for term in wanted:
                tf = counts.get(term, 0)
                if tf:
                    raw += weights[term] * tf * (K1 + 1) / (tf + norm)
            out.append(round(calibrated(raw / best), 6) if best > 0 else 0.0)
        return out
