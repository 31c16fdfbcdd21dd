"""Apply topic rules to stories: at ingest (`tag_stories`) and to everything stored (`retag_all`).

How a story is matched, fast enough to retag 100,000 stories in seconds:
1. Each field is normalised once (`normalise`: NFKC, one kind of hyphen and apostrophe, no
   soft hyphens or zero-width characters) and split into lower-case letter runs and digit runs.
2. Every term has an *anchor*, the most selective run of its own text ("language" for
   `large language model*`, the first three letters for a prefix term). A term's regex is only
   run when its anchor is among the story's runs, so most rules cost a set intersection.
3. A rule's clauses are tried in order (regex-only clauses last) and the rule stops at the
   first clause that fails; clause results are shared between rules within one story.

Each tag records its reason in `story_tags`: the rule's name and the words that matched (as
written in the story), so the UI and `monitor export` can say why. Tags of the story's feeds
(feeds.yaml `tags:`) are recorded with rule "feed". Group tags (`groups.tags`) are the union of
their stories' tags: grouping recomputes them for the groups it touches after `tag_stories`;
`retag_all` refreshes every group in one statement.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from monitor.topics import (
    FIELD_NAMES,
    FieldName,
    TopicsConfig,
    resolve,
)

FEED_RULE = "feed"
MAX_MATCHED = 8  # words recorded per tag
BATCH = 2000  # stories read and written at a time by retag_all
PARALLEL_RETAG_MIN = 20_000  # below this, forking matchers costs more than it saves
_FEED_VIEWS = 4096  # feed titles/tags kept normalised
_SQL_VARS = 500

MATCHING = 2
"""How terms match text; part of the rules' fingerprint, so stored stories are tagged again when
it changes (2: words of scripts without spaces are words of their own)."""

# Scripts written without spaces between words (Thai, Japanese kana, Chinese characters): a
# run of them is a word of its own next to Latin letters ("Meta发布Llama新模型" names Meta and
# Llama), and a term written in them matches anywhere in such a run.
_UNSPACED = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[^\W\d_{_UNSPACED}]+|[{_UNSPACED}]+|\d+")
_ASCII_TOKEN = re.compile(r"[a-z]+|[0-9]+")  # the same on lower-case ASCII, three times faster
_ASCII_STEM = re.compile(r"(?<![a-z])[a-z]{3}")  # first letters of ASCII tokens
_LETTER = rf"[^\W\d_{_UNSPACED}]"
_UNSPACED_CHAR = re.compile(rf"[{_UNSPACED}]")
_SEPARATORS = " \t\n\r\f\v-_"
_SEP_CLASS = r"[\s\-_]"
_STEM = 3  # prefix terms are anchored on their first letters
# Everyday words make poor anchors: a phrase is anchored on its least common-looking run.
_COMMON = frozenset(
    """a an the of to in on at for from by with and or but as is are was were be been will
    would can could may might new set plans plan expected take takes took make makes over up
    out into after before about says said say year years more most top its it his her their
    this that these those not no all one two three first last next now how why what who
    head heads chief team staff former up down off back big data open""".split()
)

# Characters that read the same but would break whole-word matching.
_TRANSLATE = str.maketrans(
    {
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u02bc": "'",
        "\u201c": '"', "\u201d": '"', "\u00ad": None, "\u200b": None, "\u200c": None,
        "\u200d": None, "\u2060": None, "\ufeff": None, "\u0131": "i", "\u0130": "I",
        "\u03c2": "\u03c3", "\u0345": "\u03b9", "\u0307": None,
    }
)  # fmt: skip


def normalise(text: str) -> str:
    """The form rules are matched against: NFKC, plain hyphens/apostrophes, no invisible marks."""
    if not text:
        return ""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_TRANSLATE)


_FOLD = str.maketrans({"\u03c2": "\u03c3", "\u0307": None})


def _fold(text: str) -> str:
    """Lower case as the prefilter sees it (str.lower() gives a final sigma back, re does not)."""
    lowered = text.lower()
    return lowered if lowered.isascii() else lowered.translate(_FOLD)


def tokens_of(text: str) -> set[str]:
    """Lower-case letter runs and digit runs of normalised text (the anchors' vocabulary)."""
    return set(_TOKEN.findall(_fold(normalise(text))))


# ---------------------------------------------------------------------------------------------
# A story's text, normalised and tokenised lazily


class _View:
    """One field of one story as the rules see it: normalised text, its folded (lower-case)
    twin, and the set of letter/digit runs in it (the prefilter)."""

    __slots__ = ("_aligned", "_lower", "_stems", "_tokens", "text")

    def __init__(self, text: str, lower: str | None = None, tokens: set[str] | None = None) -> None:
        self.text = text
        self._lower = lower
        self._tokens = tokens
        self._stems: set[str] | None = None
        self._aligned: bool | None = None

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = _fold(self.text)
        return self._lower

    @property
    def aligned(self) -> bool:
        """Positions in `lower` are positions in `text` (false only for rare characters)."""
        if self._aligned is None:
            self._aligned = len(self.lower) == len(self.text)
        return self._aligned

    @property
    def tokens(self) -> set[str]:
        if self._tokens is None:
            lower = self.lower
            finder = _ASCII_TOKEN if lower.isascii() else _TOKEN
            self._tokens = set(finder.findall(lower))
        return self._tokens

    @property
    def stems(self) -> set[str]:
        if self._stems is None:
            lower = self.lower
            if lower.isascii():
                self._stems = set(_ASCII_STEM.findall(lower))
            else:
                self._stems = {token[:_STEM] for token in self.tokens if len(token) >= _STEM}
        return self._stems


_EMPTY = _View("")


# ---------------------------------------------------------------------------------------------
# Compiling terms


@dataclass(frozen=True)
class CompiledTerm:
    """A term ready to match: its regexes, and what must be true of the text for it to match."""

    text: str  # as written
    source: str  # `pattern`'s regex: on the normalised text
    flags: int  # re.IGNORECASE unless exact case
    fast_source: str | None = None  # case-insensitive phrases: `fast`'s regex, on the folded text
    runs: frozenset[str] = frozenset()  # lower-case letter/digit runs that must all be tokens
    anchor: str | None = None  # the most selective of `runs` (None: see stem)
    stem: str | None = None  # prefix terms: the first letters of the last word
    literal: str | None = None  # exact-case terms: a run that must occur as written
    token_only: bool = False  # one case-insensitive run: the token check decides alone

    # Compiled on first use: most terms are never asked (their anchor never shows up), and
    # compiling all of them cost ~0.2 s at each poll's start.
    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.source, self.flags)

    @functools.cached_property
    def fast(self) -> re.Pattern[str] | None:
        return None if self.fast_source is None else re.compile(self.fast_source)

    def possible(self, view: _View) -> bool:
        """Cheap necessary conditions (tokens, stems, literal) for a match."""
        if len(self.runs) > 1 and not self.runs <= view.tokens:
            return False
        if self.stem is not None and self.runs and self.stem not in view.stems:
            return False
        return self.literal is None or self.literal in view.text

    def matches(self, view: _View) -> bool:
        if self.token_only:  # its anchor is among the tokens, or it would not be asked
            return True
        if self.anchor is None and self.stem is None:  # a regex: nothing to prefilter on
            return self.pattern.search(view.text) is not None
        if not self.possible(view):
            return False
        if self.fast is not None and view.aligned:
            return self.fast.search(view.lower) is not None
        return self.pattern.search(view.text) is not None

    def spans(self, view: _View) -> Iterator[tuple[int, int]]:
        """Where the term matches in `view.text`."""
        if (self.anchor is not None or self.stem is not None) and not self.possible(view):
            return
        if self.fast is not None and view.aligned:
            matches = self.fast.finditer(view.lower)
        else:
            matches = self.pattern.finditer(view.text)
        for match in matches:
            if match.end() > match.start():
                yield match.span()


def title_matches(terms: Sequence[CompiledTerm], title: str) -> bool:
    """Whether any of `terms` matches `title`, as a rule's clause would (`CompiledClause.match`:
    a term is asked only when its anchor token, or its stem, is in the text)."""
    view = _View(normalise(title))
    for term in terms:
        if term.anchor is not None:
            if term.anchor not in view.tokens:
                continue
        elif term.stem is not None and term.stem not in view.stems:
            continue
        if term.matches(view):
            return True
    return False


def _kind(char: str) -> str:
    """ "L" letter, "D" digit, "U" letter of a script without spaces, "S" separator, "P" other
    punctuation."""
    if char in _SEPARATORS:
        return "S"
    if char.isdigit():
        return "D"
    if _UNSPACED_CHAR.match(char):
        return "U"
    if char.isalnum() and char != "_":
        return "L"
    return "P"


def _segments(body: str) -> list[tuple[str, str]]:
    """("L"|"D"|"U"|"P"|"S", text) runs of a phrase; separators collapsed, none at the ends."""
    segments: list[tuple[str, str]] = []
    for char in body:
        kind = _kind(char)
        if segments and segments[-1][0] == kind and kind != "P":
            segments[-1] = (kind, segments[-1][1] + char)
        else:
            segments.append((kind, char))
    while segments and segments[0][0] == "S":
        segments.pop(0)
    while segments and segments[-1][0] == "S":
        segments.pop()
    return segments


def _phrase_regex(phrase: str) -> tuple[str, list[str], str | None]:
    """Regex, whole runs and prefix run of a phrase term (no `=`, no slashes).

    Runs of letters or digits match literally (case per the term); a space or hyphen between
    two letter runs (or two digit runs) matches any spaces, hyphens or underscores, and
    between a letter run and a digit run also nothing ("Llama 4" = "Llama-4" = "Llama4").
    The ends must not continue a word: no letter before a leading letter or after a final
    letter, no digit before a leading digit or after a final digit; `*` lets the last word
    go on with more letters. The start check comes after the first run, so the regex engine
    can scan for that literal instead of testing every position.
    """
    prefix = phrase.endswith("*")
    segments = _segments(normalise(phrase[:-1] if prefix else phrase))
    if not segments:
        return "(?!)", [], None
    parts: list[str] = []
    runs: list[str] = []
    previous = ""
    for position, (kind, text) in enumerate(segments):
        if kind == "S":
            before, after = segments[position - 1][0], segments[position + 1][0]
            same = before == after and before in "LD"
            parts.append(f"{_SEP_CLASS}+" if same else f"{_SEP_CLASS}*")
        else:
            if kind in "LD" and previous and previous in "LD" and previous != kind:
                parts.append(f"{_SEP_CLASS}*")  # "Llama4" also matches "Llama 4"
            parts.append(re.escape(text))
            if kind in "LD":
                runs.append(text.lower())
            if position == 0 and kind in "LD":
                before_class = _LETTER if kind == "L" else r"\d"
                parts.append(f"(?<!{before_class}[\\s\\S]{{{len(text)}}})")
        previous = kind
    last = segments[-1][0]
    if prefix and last == "L":
        end = f"{_LETTER}*(?!{_LETTER})"
    else:
        end = {"L": f"(?!{_LETTER})", "D": r"(?!\d)"}.get(last, "")
    stem = runs[-1] if prefix and last == "L" else None
    whole = runs[:-1] if stem is not None else runs
    return "".join(parts) + end, whole, stem


def compile_term(term: str) -> CompiledTerm:
    """One term (already expanded: no `@list`) → patterns and prefilter."""
    text = term.strip()
    exact_case = text.startswith("=")
    body = text[1:] if exact_case else text
    if len(body) >= 2 and body.startswith("/") and body.endswith("/"):
        return CompiledTerm(term, body[1:-1], 0 if exact_case else re.IGNORECASE)
    regex, whole, stem = _phrase_regex(body)
    if exact_case:
        flags, fast = 0, None
        written = [m.group(0) for m in _TOKEN.finditer(normalise(body.rstrip("*")))]
        literal = max(written, key=len) if written else None
    else:
        flags, fast, literal = re.IGNORECASE, _phrase_regex(_fold(body))[0], None
    runs = frozenset(_fold(run) for run in whole)
    stem_key = _fold(stem)[:_STEM] if stem else None
    if runs:
        anchor = max(runs, key=lambda run: (run not in _COMMON, len(run), run.isalpha(), run))
        segments = _segments(normalise(body))
        token_only = len(segments) == 1 and segments[0][0] in "LD" and not exact_case
        return CompiledTerm(term, regex, flags, fast, runs, anchor, stem_key, literal, token_only)
    return CompiledTerm(term, regex, flags, fast, runs, None, stem_key, literal)


@dataclass
class CompiledClause:
    """Alternative terms over some fields, indexed by anchor so most are never looked at."""

    id: int
    fields: tuple[FieldName, ...]
    by_token: dict[str, list[CompiledTerm]]
    by_stem: dict[str, list[CompiledTerm]]
    always: list[CompiledTerm]
    tokens: frozenset[str] = field(init=False)
    stems: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = frozenset(self.by_token)
        self.stems = frozenset(self.by_stem)

    def candidates(self, view: _View) -> Iterator[CompiledTerm]:
        """Terms that may match `view` (a superset of those that do)."""
        for token in self.tokens & view.tokens:
            yield from self.by_token[token]
        if self.by_stem:
            for stem in self.stems & view.stems:
                yield from self.by_stem[stem]
        yield from self.always

    def match(self, view: _View) -> bool:
        tokens = view.tokens
        by_token = self.by_token
        for token in self.tokens & tokens:
            for term in by_token[token]:
                if term.matches(view):
                    return True
        if self.by_stem:
            for stem in self.stems & view.stems:
                for term in self.by_stem[stem]:
                    if term.matches(view):
                        return True
        return any(term.matches(view) for term in self.always)


@dataclass(frozen=True)
class CompiledRule:
    name: str
    clauses: tuple[CompiledClause, ...]
    exclude: CompiledClause | None
    requires: tuple[str, ...]
    needed: frozenset[int]  # ids of its clauses: all must be possible for the rule to fire


@dataclass(frozen=True)
class CompiledTopic:
    tag: str
    mask: CompiledClause | None
    mask_id: int
    rules: tuple[CompiledRule, ...]


@dataclass(frozen=True)
class TagHit:
    """Why a story has a tag: the rule that fired and the words it matched."""

    tag: str
    rule: str
    matched: tuple[str, ...]


_JOIN = " | "  # between fields: no phrase separator, so no phrase spans two fields


class _Story:
    """The fields of one story and the views the rules ask for, built once and shared.

    A clause over several fields looks at them joined (`title | summary`): one search instead
    of one per field. Its tokens are the union of the fields' tokens. A topic with `ignore`
    phrases sees its own blanked copy of each view.
    """

    __slots__ = ("cache", "fields", "groups")

    def __init__(self, fields: dict[FieldName, _View]) -> None:
        self.fields = fields
        self.groups: dict[tuple[tuple[FieldName, ...], int], _View] = {}
        self.cache: dict[tuple[int, int], bool] = {}

    def view(self, names: tuple[FieldName, ...], topic: CompiledTopic | None) -> _View:
        mask_id = topic.mask_id if topic is not None else 0
        key = (names, mask_id)
        view = self.groups.get(key)
        if view is not None:
            return view
        if mask_id:
            assert topic is not None and topic.mask is not None
            view = self._masked(self.view(names, None), topic.mask)
        elif len(names) == 1:
            view = self.fields[names[0]]
        else:
            parts = [self.fields[name] for name in names]
            view = _View(
                _JOIN.join(part.text for part in parts),
                _JOIN.join(part.lower for part in parts),
                set().union(*(part.tokens for part in parts)),
            )
            if not all(part.aligned for part in parts):
                view._lower = None  # recomputed from the joined text
        self.groups[key] = view
        return view

    @staticmethod
    def _masked(base: _View, mask: CompiledClause) -> _View:
        if not mask.match(base):
            return base
        spans = [span for term in mask.candidates(base) for span in term.spans(base)]
        if not spans:
            return base
        chars = list(base.text)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        return _View("".join(chars))  # tokenised afresh: blanked words are gone


def _clause_matches(story: _Story, clause: CompiledClause, topic: CompiledTopic) -> bool:
    key = (clause.id, topic.mask_id)
    cached = story.cache.get(key)
    if cached is None:
        cached = story.cache[key] = clause.match(story.view(clause.fields, topic))
    return cached


def _matched_words(story: _Story, clause: CompiledClause, topic: CompiledTopic) -> list[str]:
    view = story.view(clause.fields, topic)
    words: list[str] = []
    for term in clause.candidates(view):
        for start, end in term.spans(view):
            word = " ".join(view.text[start:end].split())
            if word:
                words.append(word)
    return words


# ---------------------------------------------------------------------------------------------
# The tagger


class Tagger:
    """Compiled topic rules (built-ins merged with the user's), ready to tag stories."""

    def __init__(self, topics: TopicsConfig) -> None:
        self.topics = topics
        self._clauses: dict[tuple[tuple[str, ...], tuple[FieldName, ...]], CompiledClause] = {}
        self._terms: dict[str, CompiledTerm] = {}
        compiled = []
        for index, topic in enumerate(resolve(topics), start=1):
            mask = self._clause(topic.ignore, FIELD_NAMES) if topic.ignore else None
            rules = []
            for rule in topic.rules:
                clauses = [self._clause(c.terms, c.fields) for c in rule.clauses]
                # cheap clauses first: regex-only terms are searched on every story
                clauses.sort(key=lambda c: (len(c.always) > 0, len(c.by_stem) > 0))
                exclude = (
                    self._clause(rule.exclude.terms, rule.exclude.fields)
                    if rule.exclude is not None
                    else None
                )
                needed = frozenset(clause.id for clause in clauses)
                rules.append(
                    CompiledRule(rule.name, tuple(clauses), exclude, rule.requires, needed)
                )
            compiled.append(CompiledTopic(topic.tag, mask, index if mask else 0, tuple(rules)))
        self.compiled: tuple[CompiledTopic, ...] = tuple(compiled)
        self.tags: tuple[str, ...] = tuple(t.tag for t in compiled)
        used = {
            name
            for topic in compiled
            for rule in topic.rules
            for clause in (*rule.clauses, *([rule.exclude] if rule.exclude else []))
            for name in clause.fields
        }
        self.uses_content = "content" in used
        # Story-level prefilter: which clauses could match, from the story's tokens alone.
        self._fields: tuple[FieldName, ...] = tuple(f for f in FIELD_NAMES if f in used)
        by_token: dict[str, dict[frozenset[str], set[int]]] = {}
        by_stem: dict[str, set[int]] = {}
        self._always: set[int] = set()
        for clause in self._clauses.values():
            for token, terms in clause.by_token.items():
                for term in terms:
                    by_token.setdefault(token, {}).setdefault(term.runs, set()).add(clause.id)
            for stem in clause.stems:
                by_stem.setdefault(stem, set()).add(clause.id)
            if clause.always:
                self._always.add(clause.id)
        self._by_token = {
            token: [(runs, frozenset(ids)) for runs, ids in entries.items()]
            for token, entries in by_token.items()
        }
        self._by_stem = {stem: frozenset(ids) for stem, ids in by_stem.items()}
        self._index_tokens = frozenset(self._by_token)
        self._index_stems = frozenset(self._by_stem)
        self._feed_views: dict[str, _View] = {}

    def _shared_view(self, text: str) -> _View:
        """Feed titles and tags repeat for every story of a feed: normalise them once."""
        view = self._feed_views.get(text)
        if view is None:
            if len(self._feed_views) >= _FEED_VIEWS:
                self._feed_views.clear()
            view = self._feed_views[text] = _View(normalise(text))
        return view

    def _possible_clauses(self, story: _Story) -> set[int]:
        """Clauses that could match some field of the story, judged from its tokens alone."""
        tokens: set[str] = set().union(*(story.fields[name].tokens for name in self._fields))
        possible = set(self._always)
        for token in self._index_tokens & tokens:
            for runs, ids in self._by_token[token]:
                if len(runs) == 1 or runs <= tokens:
                    possible |= ids
        if self._index_stems:
            stems = set().union(*(story.fields[name].stems for name in self._fields))
            for stem in self._index_stems & stems:
                possible |= self._by_stem[stem]
        return possible

    def _term(self, text: str) -> CompiledTerm:
        term = self._terms.get(text)
        if term is None:
            term = self._terms[text] = compile_term(text)
        return term

    def _clause(self, terms: Iterable[str], fields: Iterable[FieldName]) -> CompiledClause:
        key = (tuple(terms), tuple(fields))
        clause = self._clauses.get(key)
        if clause is None:
            by_token: dict[str, list[CompiledTerm]] = {}
            by_stem: dict[str, list[CompiledTerm]] = {}
            always: list[CompiledTerm] = []
            for text in key[0]:
                term = self._term(text)
                if term.anchor is not None:
                    by_token.setdefault(term.anchor, []).append(term)
                elif term.stem is not None:
                    by_stem.setdefault(term.stem, []).append(term)
                else:
                    always.append(term)
            clause = CompiledClause(len(self._clauses) + 1, key[1], by_token, by_stem, always)
            self._clauses[key] = clause
        return clause

    def tag(
        self,
        *,
        title: str = "",
        summary: str = "",
        content: str = "",
        feed: str = "",
        feed_tags: Sequence[str] = (),
    ) -> list[TagHit]:
        """The tags one story earns, each with its reason; feed tags come last as rule "feed"."""
        story = _Story(
            {
                "title": _View(normalise(title or "")),
                "summary": _View(normalise(summary or "")),
                "content": _View(normalise(content or "")) if self.uses_content else _EMPTY,
                "feed": self._shared_view(feed or ""),
                "feed_tags": self._shared_view(" ; ".join(feed_tags)),
            }
        )
        hits: dict[str, TagHit] = {}
        present = set(feed_tags)
        possible = self._possible_clauses(story)
        for topic in self.compiled:
            hit = self._tag_topic(story, topic, present, possible)
            if hit is not None:
                hits[topic.tag] = hit
                present.add(topic.tag)
        for tag in feed_tags:
            if tag and tag not in hits:
                hits[tag] = TagHit(tag, FEED_RULE, (feed,) if feed else ())
        return list(hits.values())

    def _tag_topic(
        self, story: _Story, topic: CompiledTopic, present: set[str], possible: set[int]
    ) -> TagHit | None:
        for rule in topic.rules:
            if not rule.needed <= possible:
                continue
            if rule.requires and not present.issuperset(rule.requires):
                continue
            if not all(_clause_matches(story, clause, topic) for clause in rule.clauses):
                continue
            if rule.exclude is not None and _clause_matches(story, rule.exclude, topic):
                continue
            return TagHit(topic.tag, rule.name, self._explain(story, topic, rule))
        return None

    def _explain(self, story: _Story, topic: CompiledTopic, rule: CompiledRule) -> tuple[str, ...]:
        seen: set[str] = set()
        out: list[str] = [f"tag:{tag}" for tag in rule.requires]
        for clause in rule.clauses:
            for word in _matched_words(story, clause, topic):
                key = word.casefold()
                if key not in seen:
                    seen.add(key)
                    out.append(word)
        return tuple(out[:MAX_MATCHED])


# ---------------------------------------------------------------------------------------------
# Database


def _feed_info(conn: sqlite3.Connection) -> dict[int, tuple[str, list[str]]]:
    feeds: dict[int, tuple[str, list[str]]] = {}
    for row in conn.execute("SELECT id, title, url, tags FROM feeds"):
        try:
            tags = [str(tag) for tag in json.loads(row[3] or "[]") if tag]
        except (ValueError, TypeError):
            tags = []
        feeds[int(row[0])] = (str(row[1] or ""), tags)
    return feeds


def _story_tags(
    tagger: Tagger,
    rows: Iterable[Sequence[Any]],
    feeds: dict[int, tuple[str, list[str]]],
    also_seen: dict[int, list[int]],
) -> Iterator[tuple[int, str, str, str]]:
    for row in rows:
        story_id, feed_id = int(row[0]), int(row[1])
        feed_title = feeds.get(feed_id, ("", []))[0]
        givers: dict[str, list[str]] = {}  # a feed tag → the feeds carrying the story that give it
        for other in [feed_id, *also_seen.get(story_id, [])]:
            title, tags = feeds.get(other, ("", []))
            for tag in tags:
                names = givers.setdefault(tag, [])
                if title and title not in names:
                    names.append(title)
        for hit in tagger.tag(
            title=str(row[2] or ""),
            summary=str(row[3] or ""),
            content=str(row[4] or ""),
            feed=feed_title,
            feed_tags=list(givers),
        ):
            matched = givers.get(hit.tag) if hit.rule == FEED_RULE else None
            reason = list(matched or hit.matched)
            yield story_id, hit.tag, hit.rule, json.dumps(reason, ensure_ascii=False)


def _chunks(ids: Sequence[int], size: int = _SQL_VARS) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


_INSERT = "INSERT OR REPLACE INTO story_tags (story_id, tag, rule, matched) VALUES (?, ?, ?, ?)"


def tag_stories(conn: sqlite3.Connection, story_ids: Sequence[int], tagger: Tagger) -> int:
    """Tag the given stories inside the caller's open write transaction; returns tags written.

    Earlier tags of these stories are replaced (an updated story is judged on its new text).
    Does not commit and does not touch groups: grouping recomputes its groups' tags after this.
    """
    ids = sorted({int(i) for i in story_ids})
    if not ids:
        return 0
    feeds = _feed_info(conn)
    content = "s.content" if tagger.uses_content else "''"
    written = 0
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT s.id, s.feed_id, s.title, s.summary, {content} FROM stories s "
            f"WHERE s.id IN ({marks})",
            chunk,
        ).fetchall()
        also_seen: dict[int, list[int]] = {}
        for story_id, feed_id in conn.execute(
            f"SELECT src.story_id, src.feed_id FROM story_sources src JOIN stories s "
            f"ON s.id = src.story_id WHERE src.story_id IN ({marks}) AND src.feed_id != s.feed_id",
            chunk,
        ):
            also_seen.setdefault(int(story_id), []).append(int(feed_id))
        conn.execute(f"DELETE FROM story_tags WHERE story_id IN ({marks})", chunk)
        out = list(_story_tags(tagger, rows, feeds, also_seen))
        conn.executemany(_INSERT, out)
        written += len(out)
    return written


REFRESH_GROUP_TAGS = """
UPDATE groups SET tags = (
    SELECT json_group_array(tag) FROM (
        SELECT DISTINCT t.tag FROM stories s JOIN story_tags t ON t.story_id = s.id
        WHERE s.group_id = groups.id ORDER BY t.tag
    )
)
"""


# What the forked retag workers tag with: set just before the fork, inherited, never pickled.
_RETAG_STATE: tuple[Tagger, dict[int, tuple[str, list[str]]], dict[int, list[int]]] | None = None


def _retag_rows(rows: list[tuple[Any, ...]]) -> list[tuple[int, str, str, str]]:
    assert _RETAG_STATE is not None
    tagger, feeds, also_seen = _RETAG_STATE
    return list(_story_tags(tagger, rows, feeds, also_seen))


def _retag_pool(workers: int) -> Any:
    """A pool of forked matchers, or None where forking is not available or not worth it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))


def _in_order(
    pool: Any, batches: Iterator[list[tuple[Any, ...]]], window: int
) -> Iterator[list[tuple[int, str, str, str]]]:
    """Tag batches in the pool, results in order, with at most `window` batches in flight (the
    executor's own map would read every story into memory first)."""
    from collections import deque

    pending: deque[Any] = deque()
    for batch in batches:
        pending.append(pool.submit(_retag_rows, batch))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def retag_all(conn: sqlite3.Connection, tagger: Tagger, workers: int | None = None) -> int:
    """Re-apply the rules to every stored story in one transaction; returns stories tagged.

    All old tags are replaced and every group's tags are recomputed from its stories, so the
    result is exactly what tagging at ingest with the current rules would have given. Matching
    is the cost, so for large databases it runs in forked worker processes (`workers`, default
    one per CPU up to 4) while this process reads stories and writes tags; SQLite is touched
    only here.
    """
    import os

    from monitor.db import write

    global _RETAG_STATE
    content = "content" if tagger.uses_content else "''"
    count = 0
    with write(conn):
        feeds = _feed_info(conn)
        also_seen: dict[int, list[int]] = {}
        for story_id, feed_id in conn.execute(
            "SELECT src.story_id, src.feed_id FROM story_sources src JOIN stories s "
            "ON s.id = src.story_id WHERE src.feed_id != s.feed_id"
        ):
            also_seen.setdefault(int(story_id), []).append(int(feed_id))
        total = conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
        if workers is None:
            workers = min(4, os.cpu_count() or 1)
        _RETAG_STATE = (tagger, feeds, also_seen)
        pool = _retag_pool(workers) if total >= PARALLEL_RETAG_MIN else None
        try:
            conn.execute("DELETE FROM story_tags")
            cursor = conn.execute(
                f"SELECT id, feed_id, title, summary, {content} FROM stories ORDER BY id"
            )
            batches = iter(lambda: [tuple(row) for row in cursor.fetchmany(BATCH)], [])
            results = _in_order(pool, batches, 2 * workers) if pool else map(_retag_rows, batches)
            for tags in results:
                conn.executemany(_INSERT, tags)
            count = total
        finally:
            _RETAG_STATE = None
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        conn.execute(REFRESH_GROUP_TAGS)
    return count
