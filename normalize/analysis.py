"""Danish text analysis for free-text search: words, Snowball stems and compound parts.

A brobygger types "spil" and expects "brætspilsaften" and "kortspil"; types "strik" and
expects "strikkeklub" and "strikker". Stemming covers inflections ("strikker" → "strik") but
not compound tails ("kortspil"), so each word is also split into the known words it is made of
(after Koehn & Knight, *Empirical methods for compound splitting*, 2003): a split is kept when
every part is a frequent Danish word (wordfreq's Danish list) and the parts together are more
common than the whole word. Danish links parts with "s" or "e" ("spil-s-aften", "strikk-e-klub").

>>> index_terms("Brætspilsaften og kortspil")
'brætspilsaft brætspil aft bræt spil og kortspil kort spil'
>>> query_terms("Strikker")
['strik']
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import Stemmer
import wordfreq

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_stemmer = Stemmer.Stemmer("danish")

#: Parts shorter than this are too ambiguous to split off ("is", "te").
MIN_PART = 3
#: A part must be at least this common (Zipf scale: 3 ≈ once per million words).
MIN_PART_ZIPF = 3.0
#: Three-letter parts must be at least this common.
SHORT_PART_ZIPF = 4.5
#: Words at least this common are lexicalised and kept whole ("mandag", "fællesskab").
LEXICALISED_ZIPF = 4.0
#: Letters Danish puts between compound parts, tried in this order.
LINKS = ("", "s", "e")
#: Longest words considered for splitting; longer strings are rarely words.
MAX_WORD = 40


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    freqs = wordfreq.get_frequency_dict("da", wordlist="small")
    return {w: math.log10(f * 1e9) for w, f in freqs.items() if len(w) >= MIN_PART and f > 0}


def words(text: str) -> list[str]:
    """Lower-cased words of a text, digits and punctuation dropped.

    >>> words("Kom til STRIKKE-café kl. 14!")
    ['kom', 'til', 'strikke', 'café', 'kl']
    """
    return _WORD.findall(text.casefold())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Danish Snowball stem of one lower-case word."""
    return str(_stemmer.stemWord(word))


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Parts of a Danish compound, or () when the word is not (known to be) one.

    >>> split_compound("fællessang")
    ('fælles', 'sang')
    >>> split_compound("strikkeklub")
    ('strikke', 'klub')
    >>> split_compound("mandag")
    ()
    """
    if len(word) < 2 * MIN_PART or len(word) > MAX_WORD:
        return ()
    whole = _lexicon().get(word, 0.0)
    if whole >= LEXICALISED_ZIPF:
        return ()
    best = max(_splits(word), key=_rank, default=None)
    return best[0] if best is not None and _mean(best) > whole else ()


_Seg = tuple[tuple[str, ...], float]  # parts, and the sum of their Zipf values


def _splits(word: str) -> list[_Seg]:
    """Every segmentation of a word into a known head, a link letter and a segmented tail."""
    found: list[_Seg] = []
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        zipf = _part_zipf(word[:cut])
        if zipf is None:
            continue
        for link in LINKS:
            nxt = cut + len(link)
            if word[cut:nxt] != link or len(word) - nxt < MIN_PART:
                continue
            tail = _segment(word[nxt:])
            if tail is not None:
                found.append(((word[:cut], *tail[0]), zipf + tail[1]))
    return found


@lru_cache(maxsize=100_000)
def _segment(rest: str) -> _Seg | None:
    """Best segmentation of a word ending into one or more known parts."""
    zipf = _part_zipf(rest)
    whole: list[_Seg] = [((rest,), zipf)] if zipf is not None else []
    return max(whole + _splits(rest), key=_rank, default=None)


def _part_zipf(part: str) -> float | None:
    """Zipf value of a word that may stand as a compound part, or None."""
    zipf = _lexicon().get(part, 0.0)
    # Three-letter words ("mad", "jul") are parts only when very common; rarer ones are
    # mostly fragments ("pis", "str") that would cut real words apart.
    need = SHORT_PART_ZIPF if len(part) <= MIN_PART else MIN_PART_ZIPF
    return zipf if zipf >= need else None


def _rank(cand: _Seg) -> tuple[int, float]:
    # Fewest parts first (the mean-frequency score alone favours cutting words into short,
    # common fragments), then the highest mean Zipf value.
    return (-len(cand[0]), _mean(cand))


def _mean(cand: _Seg) -> float:
    return cand[1] / len(cand[0])


def word_terms(word: str) -> list[str]:
    """Index terms of one word: its stem, then the stems of its compound parts."""
    terms = [stem(word)]
    # Parts that are compounds themselves are split again: "brætspil|s|aften" → "bræt", "spil".
    todo = list(split_compound(word))
    while todo:
        part = todo.pop(0)
        terms.append(stem(part))
        todo.extend(split_compound(part))
    return terms


def index_terms(text: str) -> str:
    """The text as a space-separated stream of index terms, for a full-text index."""
    out: list[str] = []
    for w in words(text):
        out.extend(word_terms(w))
    return " ".join(out)


def query_terms(text: str) -> list[str]:
    """Stems of the words a user typed, in order, without repeats."""
    seen: dict[str, None] = {}
    for w in words(text):
        seen.setdefault(stem(w), None)
    return list(seen)
