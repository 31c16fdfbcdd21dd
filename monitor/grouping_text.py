"""Text features shared by grouping and claims: normalised terms, figures and event time.

- `normal_tokens` lower-cases, removes possessives, applies the aliases in `monitor.names` and
  joins model names with their version ("Llama 4" → `llama4 llama`).
- `text_terms` turns text into matching terms: stop words dropped, verbs mapped to their
  family (poached → `hire`), synonyms merged, the rest lightly stemmed.
- `find_figures` reads money, percentages and counts ("$14.3 billion" = "$14.3B" = "14,3bn"),
  with the significant digits as written, so `figures_agree` can treat $14B and $14.3B as the
  same figure rounded and $10M vs $100M as different.
- `time_interval` gives a story's event time as an interval: a full timestamp is a point, a bare
  date a day, "2025-06" a month, "2025" a year.
"""

from __future__ import annotations

import calendar
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from monitor.names import (
    COUNT_NOUNS,
    MODEL_FAMILIES,
    NUMBER_WORDS,
    PHRASE_ALIASES,
    STOPWORDS,
    SYNONYMS,
    VERB_FAMILY,
    WEAK_WORDS,
)

UNKNOWN_LO = -1.0e15
UNKNOWN_HI = 1.0e15

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": " - ", "–": " - "})
_POSSESSIVE = re.compile(r"(?<=\w)'s?\b")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9.]*[a-z0-9]|[a-z0-9]")
_VERSION = re.compile(r"\d+(?:\.\d+)?[a-z]?")
_DIGITS = re.compile(r"^[\d.]+$")
_JOINED_VERSION = re.compile(r"([a-z]+)(\d+(?:\.\d+)?[a-z]?)")


def _phrase_table() -> dict[str, list[tuple[tuple[str, ...], list[str]]]]:
    table: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}
    for phrase, replacement in PHRASE_ALIASES.items():
        words = _TOKEN.findall(phrase)
        table.setdefault(words[0], []).append((tuple(words[1:]), replacement.split()))
    for options in table.values():
        options.sort(key=lambda option: -len(option[0]))  # longest phrase first
    return table


_PHRASES = _phrase_table()


def normal_tokens(text: str) -> list[str]:
    """Lower-case word tokens with possessives removed, aliases applied and model names joined
    with their version ("Llama 4" → `llama4 llama`), ready for `term_of` and claim keys."""
    raw = _TOKEN.findall(_POSSESSIVE.sub("", text.translate(_QUOTES).lower()))
    out: list[str] = []
    i, count = 0, len(raw)
    while i < count:
        token = raw[i]
        options = _PHRASES.get(token)
        if options is not None:
            for rest, replacement in options:
                if tuple(raw[i + 1 : i + 1 + len(rest)]) == rest:
                    out.extend(replacement)
                    i += 1 + len(rest)
                    break
            else:
                out.append(token)
                i += 1
            continue
        if token in MODEL_FAMILIES and i + 1 < count and _VERSION.fullmatch(raw[i + 1]):
            out += [token + raw[i + 1], token]
            i += 2
            continue
        joined = _JOINED_VERSION.fullmatch(token)  # "Llama4" as "Llama 4"
        if joined is not None and joined.group(1) in MODEL_FAMILIES:
            out += [token, joined.group(1)]
            i += 1
            continue
        out.append(token)
        i += 1
    return out


def stem(word: str) -> str:
    """A light suffix stripper: enough that delays/delayed/delaying meet, nothing clever."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = _undouble(word[:-3])
    elif word.endswith("ed") and len(word) > 4:
        word = _undouble(word[:-2])
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
        return word[:-1]
    return word


@functools.lru_cache(maxsize=65536)
def term_of(token: str) -> str | None:
    """One token of normalised text → its matching term, or None for stop words and numbers."""
    if len(token) < 2 or token in STOPWORDS or _DIGITS.match(token):
        return None
    family = VERB_FAMILY.get(token)
    if family is not None:
        return family
    synonym = SYNONYMS.get(token)
    if synonym is not None:
        return synonym
    word = stem(token)
    return None if word in STOPWORDS else word


def text_terms(text: str) -> list[str]:
    """Matching terms of `text`, in order, with repeats."""
    out = []
    for token in normal_tokens(text):
        term = term_of(token)
        if term is not None:
            out.append(term)
    return out


WEAK_TERMS: frozenset[str] = frozenset(t for w in WEAK_WORDS if (t := term_of(w)) is not None)
WEAK_PRIOR = 0.3


def prior(term: str) -> float:
    """Weight before document frequency: the beat's everyday words count for little."""
    return WEAK_PRIOR if term in WEAK_TERMS else 1.0


# ---------------------------------------------------------------------------------------------
# Figures

_NUM = r"\d+(?:[.,]\d+)*"
_ADDED_BEFORE = re.compile(r"\b(?:another|additional|further)\s+$", re.IGNORECASE)
_ADDED_AFTER = re.compile(r"\s+(?:more|additional|extra|further)\b", re.IGNORECASE)
# Words before a figure that make it approximate, by what they allow (see `Figure.bound`).
_BOUND_WORDS = {
    "~": "about|around|roughly|approximately|some|an estimated|estimated|close to|~",
    "<~": "nearly|almost|just under|just shy of|just below",
    ">~": "just over|just above|a little over|slightly more than|slightly over",
    ">": "over|more than|at least|upwards of|north of|in excess of|above|exceeding|no less than",
    "<": "less than|fewer than|up to|under|below|as much as|as many as|no more than",
}
_APPROX = re.compile(
    r"(?<![a-z])(?:"
    + "|".join(f"(?P<b{n}>{words})" for n, words in enumerate(_BOUND_WORDS.values()))
    + r")\s*(?:us\s?)?$"
)
_BOUNDS = tuple(_BOUND_WORDS)
_MULTIPLIERS = {
    "trillion": 1e12,
    "tn": 1e12,
    "trln": 1e12,
    "t": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "b": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "k": 1e3,
}
_MONEY_CUR = re.compile(
    r"(?:us\s?\$|\$|€|£|\busd\s?|\beur\s?)\s?(" + _NUM + r")\s?"
    r"(trillion|billion|million|thousand|trln|tn|bln|bn|mln|mn|[tbmk])?(?![a-z0-9])",
    re.IGNORECASE,
)
_MONEY_WORD = re.compile(
    r"(?<![\w$€£.,])("
    + _NUM
    + r")\s?(trillion|billion|million|trln|bln|bn|mln)\b(?:\s+(?:dollars|euros|pounds|usd|eur))?",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(?<![\w.,])(" + _NUM + r")\s?(?:%|percent\b|per cent\b|pct\b)", re.I)
_DOZEN = r"(?:a|one|two|three|four|five|six)\s+dozen"
_COUNT = re.compile(
    r"(?<![\w$€£.,])("
    + _DOZEN
    + "|"
    + _NUM
    + "|"
    + "|".join(NUMBER_WORDS)
    + r")\+?\s+((?:[a-z][\w-]*\s+){0,2}?)("
    + "|".join(sorted(COUNT_NOUNS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
# Power, for the data centres of this beat: "a 1GW cluster", "1.5 gigawatts", "5-gigawatt".
_POWER = re.compile(
    r"(?<![\w$€£.,])(" + _NUM + r")\s?-?(gw|gigawatts?|mw|megawatts?)\b", re.IGNORECASE
)
_POWER_UNITS = {"gw": 1e9, "gigawatt": 1e9, "gigawatts": 1e9, "mw": 1e6, "megawatt": 1e6,
                "megawatts": 1e6}  # fmt: skip
# "A nine-figure package": at least $100 million (a figure of that many digits).
_FIGURE_DIGITS = re.compile(r"\b(seven|eight|nine|ten)-figure\b", re.IGNORECASE)
_DIGIT_WORDS = {"seven": 6, "eight": 7, "nine": 8, "ten": 9}
_LETTERS = re.compile(r"[a-z]+")
_CURRENCY = frozenset("$€£")
_PERCENT_WORDS = frozenset(["percent", "per", "pct"])
_MONEY_WORDS = frozenset(["trillion", "billion", "million", "bn", "bln", "mln", "trln"])
_SCALE_WORDS = frozenset(
    ["thousand", "million", "billion", "trillion", "mn", "mln", "bn", "bln", "tn", "trln"]
)
_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(NUMBER_WORDS) + r")\b")  # on lowered text: 3x faster
_BARE = re.compile(r"(?<![\w$€£.,-])(\d{2,}(?:,\d{3})*)(?![\w%.,]|\s?(?:percent|per cent))")


@dataclass(frozen=True)
class Figure:
    kind: str  # money | percent | count | power | number
    value: float
    sig: int  # significant digits as written ("14.3" → 3, "14" → 2, "600" → 2, "2" → 1)
    approx: bool  # "about", "more than", "nearly" …
    noun: str | None  # what a count counts, as a matching term ("staff", "researcher")
    start: int
    end: int
    # What an approximate figure allows: "~" about (either side), ">" at least ("more than"),
    # "<" at most ("up to"), ">~" just over, "<~" just under ("nearly"); "+" a count on top of
    # one told before ("two more", "another 40"); "" when exact.
    bound: str = ""

    def term(self) -> str:
        """A grouping term: kind and value to two significant digits ($14B and $14.3B meet)."""
        kind = {"count": "n", "power": "w"}.get(self.kind, self.kind[0])
        return f"{kind}:{_round_sig(self.value, 2):.3g}"


def _parse_number(text: str) -> tuple[float, int] | None:
    """Value and significant digits of a number as written. A whole number's trailing zeros
    count up to two digits ("600" → 2, "1,000,000" → 2): "$100M" is not a rounding of $140M."""
    text = text.strip()
    dozen = re.fullmatch(r"(\w+)\s+dozen", text.lower()) if "dozen" in text.lower() else None
    if dozen:
        times = 1 if dozen.group(1) in ("a", "one") else NUMBER_WORDS.get(dozen.group(1), 1)
        return float(12 * times), 2
    if text.lower() in NUMBER_WORDS:
        word_value = NUMBER_WORDS[text.lower()]
        return float(word_value), len(str(word_value).rstrip("0")) or 1
    if "," in text and "." not in text:
        head, _, tail = text.rpartition(",")
        if re.fullmatch(r"\d{1,3}(?:,\d{3})*", text):
            text = text.replace(",", "")  # thousands separators
        elif len(tail) in (1, 2) and "," not in head:
            text = f"{head}.{tail}"  # decimal comma: 14,3bn
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    digits = text.replace(".", "").lstrip("0")
    if "." not in text:
        whole = len(digits)
        digits = digits.rstrip("0")
        return value, max(1, len(digits), min(2, whole))
    return value, max(1, len(digits))


def _round_sig(value: float, sig: int) -> float:
    """`value` rounded half away from zero to `sig` significant digits (14.5 → 15 at 2)."""
    if value == 0 or not math.isfinite(value):
        return value
    exponent = math.floor(math.log10(abs(value))) - sig + 1
    quantum = Decimal(1).scaleb(exponent)
    rounded = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return float(rounded)


def _same_value(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


APPROX_BAND = 0.1  # how far "about"/"nearly"/"more than" may be from the figure they match


def _within(bounded: Figure, value: float) -> bool:
    """Is `value` what the approximate figure `bounded` describes ("nearly $15B" ∋ 14.3B)?"""
    low, high = bounded.value * (1 - APPROX_BAND), bounded.value * (1 + APPROX_BAND)
    if bounded.bound.startswith(">"):
        low = bounded.value
    elif bounded.bound.startswith("<"):
        high = bounded.value
    return low <= value <= high or _same_value(value, low) or _same_value(value, high)


def _rounds_to(precise: Figure, coarse: Figure) -> bool:
    return _same_value(_round_sig(precise.value, coarse.sig), coarse.value)


def figures_agree(a: Figure, b: Figure) -> bool:
    """The same figure, allowing for rounding and for stated approximation.

    Same kind (and scale) only. Exact figures agree when the less precise one is the more
    precise one rounded to its digits: "$14B" = "$14.3B", but "$15B" ≠ "$14.3B" and
    "$10M" ≠ "$100M"; a one-digit figure also has to lie within `APPROX_BAND` ("$3B" =
    "$2.9B", but ≠ "$2.5B"). An approximate figure agrees with a value within `APPROX_BAND` on the
    side its words allow: "about $14B" and "nearly $15B" with 14.3B, "more than 600" with 620.
    """
    if a.kind != b.kind:
        return False
    if _same_value(a.value, b.value):
        return True
    coarse, precise = (a, b) if a.sig <= b.sig else (b, a)
    if _rounds_to(precise, coarse) and (
        coarse.sig >= 2 or abs(coarse.value - precise.value) <= APPROX_BAND * precise.value
    ):
        return True  # one digit rounds widely: "$3B" is no report of "$2.5B", but of "$2.9B"
    return (a.approx and _within(a, b.value)) or (b.approx and _within(b, a.value))


def without_figures(text: str, figures: list[Figure]) -> str:
    """`text` with the figures blanked out (they are matched as figures, not as words)."""
    for figure in reversed(figures):
        text = f"{text[: figure.start]} {text[figure.end :]}"
    return text


def _bound_before(text: str, start: int) -> str:
    """The approximation words just before a figure, as a `Figure.bound` ("" when none)."""
    match = _APPROX.search(text[max(0, start - 24) : start].lower())
    if match is None:
        return ""
    return next(_BOUNDS[n] for n in range(len(_BOUNDS)) if match.group(f"b{n}") is not None)


def find_figures(text: str) -> list[Figure]:
    """Money, percentages, counts and power in `text`, in order, without overlaps."""
    if not (_DIGIT.search(text) or _NUMBER_WORD.search(text.lower())):
        return []
    return list(_find_figures(text))


@functools.lru_cache(maxsize=4096)
def _find_figures(text: str) -> tuple[Figure, ...]:
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(kind: str, number: str, mult: float, start: int, end: int, noun: str | None) -> None:
        parsed = _parse_number(number)
        if parsed is None or not free(start, end):
            return
        value, sig = parsed
        bound = "" if kind == "number" else _bound_before(text, start)
        if not bound and kind == "count" and text[end : end + 1] == "+":
            bound = ">"  # "600+ jobs"
        elif (
            not bound
            and kind == "count"
            and (
                _ADDED_BEFORE.search(text[max(0, start - 12) : start])
                or _ADDED_AFTER.match(text[end : end + 12])
            )
        ):
            bound = "+"  # "two more engineers", "another 40": on top of those told before
        found.append(Figure(kind, value * mult, sig, bool(bound), noun, start, end, bound))
        taken.append((start, end))

    lower = text.lower()
    words = set(_LETTERS.findall(lower))
    if not _CURRENCY.isdisjoint(text) or "usd" in words or "eur" in words:
        for m in _MONEY_CUR.finditer(text):
            unit = (m.group(2) or "").lower()
            add("money", m.group(1), _MULTIPLIERS.get(unit, 1.0), m.start(), m.end(), None)
    if "%" in text or not _PERCENT_WORDS.isdisjoint(words):
        for m in _PERCENT.finditer(text):
            add("percent", m.group(1), 1.0, m.start(), m.end(), None)
    if not COUNT_NOUNS.isdisjoint(words):
        for m in _COUNT.finditer(text):
            noun = term_of(m.group(3).lower())
            scale = (m.group(2).split() or [""])[0].lower()  # "12 thousand GPUs" is 12,000
            if scale in _SCALE_WORDS:
                end = m.start(2) + len(scale)
                add("count", m.group(1), _MULTIPLIERS[scale], m.start(), end, noun)
            else:
                add("count", m.group(1), 1.0, m.start(), m.end(1), noun)
    if "-figure" in lower:
        for m in _FIGURE_DIGITS.finditer(text):
            if free(m.start(), m.end()):
                value = 10.0 ** _DIGIT_WORDS[m.group(1).lower()]
                found.append(Figure("money", value, 1, True, None, m.start(), m.end(), ">"))
                taken.append((m.start(), m.end()))
    if "gw" in lower or "mw" in lower or "watt" in lower:
        for m in _POWER.finditer(text):
            unit = _POWER_UNITS[m.group(2).lower()]
            add("power", m.group(1), unit, m.start(), m.end(), None)
    if not _MONEY_WORDS.isdisjoint(words):
        for m in _MONEY_WORD.finditer(text):
            add("money", m.group(1), _MULTIPLIERS[m.group(2).lower()], m.start(), m.end(), None)
    for m in _BARE.finditer(text):
        parsed = _parse_number(m.group(1))
        if parsed is None or 1900 <= parsed[0] <= 2100:
            continue  # a year
        add("number", m.group(1), 1.0, m.start(), m.end(), None)
    found.sort(key=lambda f: f.start)
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# Event time

_DATE_PARTS = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def time_interval(*values: str | None) -> tuple[float, float]:
    """The first parseable value as (lo, hi) unix seconds; unknown → the widest interval."""
    for value in values:
        if not value:
            continue
        value = value.strip()
        match = _DATE_PARTS.match(value)
        if match:
            year = int(match.group(1))
            month = int(match.group(2)) if match.group(2) else None
            day = int(match.group(3)) if match.group(3) else None
            try:
                if month is None:
                    lo = datetime(year, 1, 1, tzinfo=UTC)
                    hi = datetime(year + 1, 1, 1, tzinfo=UTC)
                elif day is None:
                    lo = datetime(year, month, 1, tzinfo=UTC)
                    days = calendar.monthrange(year, month)[1]
                    hi = datetime.fromtimestamp(lo.timestamp() + days * 86400, UTC)
                else:
                    lo = datetime(year, month, day, tzinfo=UTC)
                    hi = datetime.fromtimestamp(lo.timestamp() + 86400, UTC)
            except ValueError:
                continue
            return lo.timestamp(), hi.timestamp() - 1
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        stamp = moment.timestamp()
        return stamp, stamp
    return UNKNOWN_LO, UNKNOWN_HI


def gap_hours(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Hours between two intervals (0 when they overlap)."""
    return max(0.0, b[0] - a[1], a[0] - b[1]) / 3600.0


# ---------------------------------------------------------------------------------------------
# A story's weighted terms

TITLE_WEIGHT = 1.0
SUMMARY_WEIGHT = 0.6
CONTENT_WEIGHT = 0.4
SUMMARY_CHARS = 600
CONTENT_CHARS = 400


_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december".split()
)


_COMMON: frozenset[str] = (
    STOPWORDS | WEAK_WORDS | COUNT_NOUNS | frozenset(VERB_FAMILY) | frozenset(SYNONYMS) | _CALENDAR
)
COMMON_WORDS = _COMMON
"""Words that name nothing, capitalised or not."""


def _token_word(word: str) -> str:
    return word.lower().strip(".,;:!?\"'()[]")


def _names_in(text: str, known: frozenset[str] = frozenset()) -> tuple[set[str], set[str]]:
    """(names, figures) in `text`; no names from Title Case text, where capitals say nothing.

    A capital that only starts a sentence says nothing either ("Analysts expect…", "Officials
    in X must approve it"): such a word is a name only when the next word is capitalised too
    (a full name), it is capitalised elsewhere in the text, or it is in `known` (names of the
    story's headline). A headline's first word is `known`'s business: headlines lead with who
    acted, so the caller passes it in.
    """
    found = find_figures(text)
    figures = {figure.term() for figure in found}
    words = without_figures(text, found).split()
    capitalised = [
        i
        for i, w in enumerate(words)
        if w[:1].isupper() and w.lower().strip(".,;:!?") not in _CALENDAR
    ]
    if len(words) >= 4 and len(capitalised) >= 0.75 * len(words):
        # Title Case: the capitals of everyday words say nothing, those of the other words do
        # ("Vexa Robotics Lays Off 200 Employees": vexa, robotics). Two reports naming two
        # companies were compared on "lays off 200 employees" alone and made one group.
        uncommon = [w for w in words if _token_word(w) not in _COMMON]
        return set(text_terms(" ".join(uncommon))) - WEAK_TERMS, figures
    starts = {0} | {i + 1 for i, w in enumerate(words) if w.endswith((".", "!", "?"))}
    inside = known | {words[i].lower().strip(".,;:!?") for i in capitalised if i not in starts}
    kept = [
        words[i]
        for i in capitalised
        if i not in starts
        or (i + 1 < len(words) and words[i + 1][:1].isupper())
        or words[i].lower().strip(".,;:!?") in inside
    ]
    return set(text_terms(" ".join(kept))) - WEAK_TERMS, figures


def story_names(title: str, summary: str, content: str) -> frozenset[str]:
    """Terms of what a story names (capitalised words: people, organisations, products; with
    its figures), from its title and the start of its summary; empty when it names nobody we
    can tell (lower-case or Title Case text). Two reports of one event name at least one of the
    same things; two stories sharing only common words ("X faces Y inquiry", "Z faces W
    inquiry") are not one event."""
    lead = title.split()[:1]
    names, figures = _names_in(title, frozenset(w.lower().strip(".,;:!?") for w in lead))
    text = summary[:SUMMARY_CHARS] if summary.strip() else content[:CONTENT_CHARS]
    if text:
        headline = frozenset(w.lower().strip(".,;:!?") for w in title.split() if w[:1].isupper())
        more, more_figures = _names_in(text, headline)
        names |= more
        figures |= more_figures
    if not names:
        return frozenset()
    # A lab, a product or a boss names its company too: "Meta Superintelligence Labs" and
    # "Zuckerberg" meet "Meta" (two reports of one reorganisation were never compared).
    names |= {_NAME_PARENTS[name] for name in names if name in _NAME_PARENTS}
    return frozenset(names | figures)


_NAME_PARENTS = {
    term_of(child) or child: term_of(parent) or parent
    for child, parent in (("msl", "meta"), ("zuckerberg", "meta"), ("deepmind", "google"))
}


_OUTLET_SUFFIX = re.compile(r"\s+[-|–—]\s+([A-Z0-9][\w.&'’]*(?:\s+[\w.&'’]+){0,3})\s*$")


def without_outlet(title: str) -> str:
    """The headline without an aggregator's " - Outlet" / " | Outlet" ending (Google News
    titles): the outlet's name is not the event, and its words made two reports less alike."""
    match = _OUTLET_SUFFIX.search(title)
    if match is None or len(title[: match.start()].split()) < 4:
        return title
    return title[: match.start()]


def without_source(title: str, sources: Sequence[str | None]) -> str:
    """The headline without its own outlet's name (any of `sources`: the feed's title as
    configured, its own) in front or at the end ("Valley Dispatch: Meta hires …", "… | Valley
    Dispatch"): a feed that names itself in every headline made its stories alike to each
    other, and pulled unrelated ones into one group."""
    folded = title.casefold()
    for source in sources:
        name = " ".join((source or "").split())
        if len(name) < 3 or name.casefold() not in folded:
            continue  # (most headlines: no pattern to build, the cache of them held no 300)
        escaped = re.escape(name)
        for pattern in (rf"^\s*{escaped}\s*[:|–—-]\s+", rf"\s+[:|–—-]\s*{escaped}\s*$"):
            rest = re.sub(pattern, "", title, count=1, flags=re.IGNORECASE)
            if rest != title and len(rest.split()) >= 3:
                return rest
    return title


def adds_to_headline(title: str, summary: str, outlet: str | None = None) -> bool:
    """Whether `summary` says more than the headline: a news search's item (Google News) has
    the headline and the outlet's name as its whole summary, and read as a second sentence it
    made "CEO Voss joins Orrery Meridian Wire" a claim of its own. With the outlet known (the
    item said it is a news search's), a summary that starts with the headline is that search's
    list of links (a cluster: other outlets' headlines), never this story's text."""
    said = " ".join(summary.split()).casefold().lstrip("-•* ")  # (a list's first bullet)
    for head in (title, without_outlet(title), without_source(title, (outlet,))):
        head = " ".join(head.split()).casefold()
        if head and said.startswith(head):
            if outlet or len(said[len(head) :].split()) <= 5:
                return False
    return True


def group_headline(
    title: str, source: str | None, outlet: str | None = None, own: str | None = None
) -> str:
    """A member's headline as the title of its group: without the name of its feed (`source`
    as feeds.yaml names it, `own` as it names itself) or of the outlet a news search says it is
    from (" - Outlet"), which a group reported by many outlets
    is not. Other endings stay ("… - Part 2", "… | Review")."""
    return without_source(title, (outlet, source, own))


def story_terms(title: str, summary: str, content: str) -> dict[str, float]:
    """Weighted terms of a story for grouping: title, the start of the summary, figures.

    Content counts only when there is no summary (then its first few hundred characters), so
    the full text of an article cannot drown the headline.
    """
    weights: dict[str, float] = {}
    title = without_outlet(title)
    parts = [(title, TITLE_WEIGHT), (summary[:SUMMARY_CHARS], SUMMARY_WEIGHT)]
    if not summary.strip():
        parts.append((content[:CONTENT_CHARS], CONTENT_WEIGHT))
    for text, weight in parts:
        if not text:
            continue
        figures = find_figures(text)
        for figure in figures:
            term = figure.term()
            weights[term] = max(weights.get(term, 0.0), weight)
        for term in text_terms(without_figures(text, figures)):
            weights[term] = max(weights.get(term, 0.0), weight)
        for term in unspaced_terms(text):
            weights[term] = max(weights.get(term, 0.0), weight)
    return weights


_UNSPACED_RUN = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def unspaced_terms(text: str) -> set[str]:
    """Terms of text in scripts written without spaces (Chinese, Japanese, Thai): its
    overlapping character pairs, the usual unit for matching such text. It had no terms at all,
    so two outlets' reports of one event in Chinese were never grouped."""
    if text.isascii():
        return set()
    terms: set[str] = set()
    for run in _UNSPACED_RUN.findall(text):
        if len(run) == 1:
            terms.add(run)
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    return terms
