"""Claims: the checkable statements of a story, matched across the stories of one event group.

Extraction (`extract_claims`): title, summary and the start of the content are cut into
sentences and clauses. A clause is a claim when it asserts something checkable: an action verb
from one of the families in `monitor.names` (hire/poach/lure, invest, acquire, release, delay,
cut, …), a figure (money, percentage, count) or an attribution ("according to", "X said").
Questions, explainer/opinion openings ("Why …", "What you need to know") and boilerplate
("sign up for our newsletter") are not claims. A clause with several figures gives one claim per
figure, so a story that repeats "$14.3B" but adds "49%" adds exactly one claim.

Matching (`relation`): two claims are the same when they assert the same thing, even in other
words: same verb family or mostly the same names, and figures that agree within rounding
($14B = $14.3B = 14,3bn, but $15B ≠ $14.3B) or within what "about"/"nearly"/"more than" allow.
The same frame with figures that disagree ($100M vs $10M), or two prices of one deal in other
deal verbs ("pays $15B for" / "buys … for $14.3B", `_one_deal`), is a conflict: one claim, marked
conflicting on the claim, its first appearance and each appearance that disagrees. A denial of
the same figure ("Zorblat denies $120 million figure") is a conflict too. Claims naming
different people (none in common) never match: "Jane Roe leaves X for Meta" and "John Doe
leaves X for Meta" are two.

Storage (`GroupClaims.record_story`): `claims` holds one row per distinct claim of a group (its
normalised `key`, the wording and story of its first appearance: schema.org `firstAppearance`,
and `first_seen`, when the monitor first saw it); `claim_appearances` links every story that
states it, with `is_new` = 1 only on the first. The first appearance is the earliest-published
story, not the earliest polled: a slow feed's earlier story takes it over when it arrives. A
claim is `conflicting` exactly when an appearance other than the first disagrees, so there is
always a report to name as the other side.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

from monitor.grouping_text import (
    COMMON_WORDS,
    WEAK_TERMS,
    Figure,
    figures_agree,
    find_figures,
    normal_tokens,
    term_of,
    time_interval,
    without_figures,
)
from monitor.names import (
    ATTRIBUTION_PATTERNS,
    BOILERPLATE_PATTERNS,
    BOILERPLATE_WORDS,
    COUNT_NOUNS,
    EDITORIAL_PATTERNS,
    EDITORIAL_WORDS,
    MODEL_FAMILIES,
    NON_CLAIM_OPENINGS,
    NOT_NAME_WORDS,
    ORG_PARENTS,
    ORGANISATION_ENDINGS,
    ORGANISATIONS,
    PEOPLE_FAMILIES,
    PERSON_ALIASES,
    PHRASE_ALIASES,
    STOPWORDS,
    SYNONYMS,
    VERB_FAMILY,
    WEAK_WORDS,
)
from monitor.textclean import clean_line

MAX_CONTENT_SENTENCES = 25
MAX_CLAIM_WORDS = 70
MIN_CLAIM_WORDS = 3
MAX_TEXT = 300

_BOILERPLATE = re.compile("|".join(BOILERPLATE_PATTERNS), re.IGNORECASE)
_EDITORIAL = re.compile("|".join(EDITORIAL_PATTERNS), re.IGNORECASE)
_ATTRIBUTION = re.compile("|".join(ATTRIBUTION_PATTERNS), re.IGNORECASE)
_ABBREVIATIONS = re.compile(
    r"\b(Mr|Mrs|Ms|Dr|Prof|Inc|Corp|Ltd|Co|Jr|Sr|St|vs|etc|e\.g|i\.e|U\.S|U\.K|No)\.", re.I
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9$€£])|\n+")
_TITLE_PARTS = re.compile(r"\s+[-|–—]\s+|\s*[|—–]\s*")
_CLAUSE_SPLIT = re.compile(
    r";\s+|,\s+(?=(?:and|but|while|taking|giving|bringing|making|with|after|as|which|"
    r"including|following|sending|leaving)\b)|\s+(?:and|but|while|after)\s+(?=(?:\w+\s+){1,3}"
    r"(?:"
    + "|".join(sorted({f for f in VERB_FAMILY if len(f) > 3} | {"stepped", "steps"}))
    + r")\b)"
)
_VERB_AFTER = re.compile(r"\b(\w+)\s+after\s+", re.IGNORECASE)


def _after_a_verb(match: re.Match[str]) -> str:
    word = match.group(1)
    return f"{word} \0after\0 " if word.lower() in VERB_FAMILY else match.group(0)


_COMPOUND_SUBJECT = re.compile(r"^([A-Z][\w'&.-]*(?:\s+[A-Z][\w'&.-]*){0,2})\s+and\s+(?=[A-Z])")
# Left out of a claim's terms: who reported it, and relative clauses about a person's past.
_SOURCE_WORDS = ("people", "persons", "sources", "insiders", "officials", "executives", "employees")
_SOURCES = "(?:" + "|".join(_SOURCE_WORDS) + ")"
_SOURCE_COUNT = r"(?:\w+\s+){0,2}?" + _SOURCES
_ATTRIBUTED_TO = re.compile(
    r"\b(?:according to|reported by|first reported by)\s+(?:[A-Z][\w&.'-]*\s*)+|"
    r",?\s*(?:[A-Z][\w&.'-]*+\s*+){1,3}(?:said|says|reported|reports)\.?$|"
    # Who told the reporter, with how many of them: "according to two people familiar with the
    # talks", "three people said", "citing four sources". Their number is not the claim's figure.
    r",?\s*\b(?:according to|citing|per)\s+" + _SOURCE_COUNT + r"\b[^,;]*|"
    r",?\s*\b" + _SOURCE_COUNT + r"\s+(?:familiar|close|briefed|with knowledge)\b[^,;]*|"
    r",?\s*\b" + _SOURCE_COUNT + r"\s+(?:said|say|told|confirmed)\b[^,;]*",
    re.IGNORECASE,
)
# Every match of _ATTRIBUTED_TO contains one of these words, so a sentence without any is left as
# it is without running that pattern (tried at every position, it was the costliest step here).
_ATTRIBUTION_HINT = re.compile(
    "|".join(("according", "report", "said", "says", *_SOURCE_WORDS)), re.IGNORECASE
)
# A figure set right after "not" or "rather than" is the one being denied: "worth $200 million,
# not $140 million" claims $200 million.
_DENIED = re.compile(r"\b(?:not|rather than|instead of|and not)\s+(?:the\s+)?$", re.IGNORECASE)
# A figure after "denies" or "refutes" is disputed, not claimed: "Zorblat denies $120 million
# figure" disagrees with "$120 million offer". Such a claim carries the verb family `DENY`.
# "… reports of $50 million packages were wrong": the figure before it is disputed.
_CALLED_WRONG = (
    r"\b(?:were|was|are|is)\s+(?:(?:wrong|false|untrue|inaccurate|incorrect|overstated|"
    r"exaggerated|overblown)\b|not\s+(?:true|accurate|correct)\b)"
)
_REPORTED = re.compile(r"\b(?:reports?|rumou?rs?|claims?)\s+(?:of|that)\s+[^,;]{0,40}$", re.I)
_WRONG_AFTER = re.compile(r"[^,;.]{0,40}?" + _CALLED_WRONG, re.IGNORECASE)
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|refut(?:e|es|ed|ing)|(?:shoots?|shot|shooting)\s+down|"
    r"(?:reject|dismiss|disput)\w*\s+(?:the\s+|a\s+)?(?:reports?|rumou?rs?|claims?))\b",
    re.IGNORECASE,
)
DENY = "deny"
# A clause that says the opposite of a claim: "Meta denies it is in talks to buy …", "shoots
# down rumours of …", "is not buying", "has no plans to acquire". Its claim carries `DENY`
# too, so it never restates the claim it denies (it read as one more report backing it).
_DENIES_REPORT = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|refut(?:e|es|ed|ing)|(?:shoots?|shot|shooting)\s+down|"
    r"(?:reject|dismiss|disput|push(?:es|ed|ing)?\s+back\s+on)\w*\s+(?:the\s+|a\s+)?"
    r"(?:reports?|rumou?rs?|speculation|claims?))\b|"
    r"\b(?:reports?|rumou?rs?|claims?)\b[^,;]{0,80}?" + _CALLED_WRONG,
    re.IGNORECASE,
)
# Who can move between employers, as terms ("head" and "director" are "chief", "engineer"
# and "scientist" "researcher"): a hiring verb without a person or one of these moves no one.
_MOVERS = frozenset(
    "ceo cto cfo coo vp chief president founder cofounder researcher staff division "
    "chairman chair officer lead manager partner fellow professor".split()
)
# A hiring family's word that is only a noun here ("weigh exit", "an exodus"): a verb form
# ("exits", "leaves") moves someone the clause may name in ways we do not read.
_MOVE_NOUN = re.compile(
    r"\b(?:weighs?|weighing|consider\w*|eyes?|mulls?)\s+(?:an?\s+)?exit\b", re.I
)
# "isn't buying it": doubt, not a purchase denied.
_NOT_BUYING_IT = re.compile(
    r"(?:\bnot|n['’]t|\bnever)\s+(?:be\s+)?buy(?:s|ing)?\s+(?:it|that|this|any\s+of\s+it)\b",
    re.IGNORECASE,
)
_NEGATIONS = frozenset({"not", "never", "no", "cannot"})
_NOT_NEGATING = frozenset({"only", "just", "least", "mention", "surprisingly"})
_NEGATION_REACH = 3  # words after "not" in which an action verb is the one negated
_NEGATION_TOKEN = re.compile(r"[a-z]+(?:['’]t)?")
_LETTERS = re.compile(r"[a-z]+")
# Words that can make a clause assert an action: verb forms, and the first words of phrases
# that become one ("lay off" → cut, "step down" → stepdown).
_ACTION_WORDS = frozenset(VERB_FAMILY) | frozenset(
    phrase.split()[0]
    for phrase, replacement in PHRASE_ALIASES.items()
    if any(word in VERB_FAMILY for word in replacement.split())
)
_RELATIVE = re.compile(r",\s+(?:who|which)\s+[^,]+,")
_WORD = re.compile(r"[\w$€£%.,'-]+")

# People. A run of capitalised words ("Jane Roe", "Apple's Jane A. Roe") is a person's name
# when, after roles, places and organisations are taken off its end, two words are left; the
# person is known by the last one. People in `names.PERSON_ALIASES` count by last name alone.
_NAME_WORD = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*(?![\w'’])"
_CAPITALISED_RUN = re.compile(
    r"(?<![\w'’.-])" + _NAME_WORD + r"(?:\s+(?:[A-Z]\.\s+)?" + _NAME_WORD + r")*"
)
_POSSESSIVE_END = re.compile(r"['’]s?$")
KNOWN_PEOPLE: frozenset[str] = frozenset(PERSON_ALIASES.values())
_PERSON_WORDS: frozenset[str] = KNOWN_PEOPLE | frozenset(
    word for phrase in PERSON_ALIASES for word in phrase.split()
)
# Words written in lower case in a sentence-case headline (names and places are not).
_LOWER_CASE_WORDS: frozenset[str] = (
    STOPWORDS | WEAK_WORDS | COUNT_NOUNS | frozenset(VERB_FAMILY) | frozenset(SYNONYMS)
)
# Tokens that name an organisation or product, also after aliasing ("Thinking Machines").
_ORGANISATION_TOKENS: frozenset[str] = (
    ORGANISATIONS
    | MODEL_FAMILIES
    | frozenset(
        token
        for phrase, replacement in PHRASE_ALIASES.items()
        if phrase not in PERSON_ALIASES
        for token in replacement.split()
        if token not in _LOWER_CASE_WORDS | NOT_NAME_WORDS and not token.isdigit()
    )
)
_NAME_TOKENS = KNOWN_PEOPLE | _ORGANISATION_TOKENS
# Words that end no person's name: everyday words, roles, places, organisations.
_COMMON_WORDS: frozenset[str] = _LOWER_CASE_WORDS | NOT_NAME_WORDS | _ORGANISATION_TOKENS
_TITLE_CASE_WORD = re.compile(r"(?<![\w'’])[A-Za-z][a-z]{3,}\b")


@dataclass(frozen=True)
class Claim:
    """One checkable statement: verb family, names/objects, at most one figure."""

    text: str
    verbs: frozenset[str]  # verb families named in the clause
    terms: frozenset[str]  # names and objects (matching terms, everyday words left out)
    figure: Figure | None
    people: frozenset[str] = frozenset()  # the persons named, by last name (matching terms)
    to: frozenset[str] = frozenset()  # where a person moves ("leaves Apple for Meta": meta)

    @property
    def key(self) -> str:
        """Normalised form stored in `claims.key` and used for matching:
        `verbs|terms|kind:value:significant digits:approx:counted noun[|people]`, where approx
        is 0 (exact), 1 (about), `>`/`<` (more/less than), `>~`/`<~` (just over, nearly) or
        `+` (on top of an earlier count: "two more");
        then, when known, the people (`|people`) and where they move (`|people|to`)."""
        figure = ""
        if self.figure is not None:
            f = self.figure
            approx = _BOUND_CODES.get(f.bound, "1") if f.approx else "0"
            figure = f"{f.kind}:{f.value!r}:{f.sig}:{approx}:{f.noun or ''}"
        key = f"{'+'.join(sorted(self.verbs))}|{','.join(sorted(self.terms))}|{figure}"
        if self.to:
            return f"{key}|{','.join(sorted(self.people))}|{','.join(sorted(self.to))}"
        return f"{key}|{','.join(sorted(self.people))}" if self.people else key

    @classmethod
    def from_key(cls, key: str, text: str) -> Claim:
        verbs, names, figure_text, *rest = key.split("|")
        figure = None
        if figure_text:
            kind, value, sig, approx, noun = figure_text.split(":")
            bound = "" if approx == "0" else "~" if approx == "1" else approx
            figure = Figure(kind, float(value), int(sig), bool(bound), noun or None, 0, 0, bound)
        return cls(
            text=text,
            verbs=frozenset(v for v in verbs.split("+") if v),
            terms=frozenset(n for n in names.split(",") if n),
            figure=figure,
            people=frozenset(p for p in (rest[0] if rest else "").split(",") if p),
            to=frozenset(t for t in (rest[1] if len(rest) > 1 else "").split(",") if t),
        )


_BOUND_CODES = {"": "0", "~": "1", ">": ">", "<": "<", ">~": ">~", "<~": "<~", "+": "+"}


# ---------------------------------------------------------------------------------------------
# Extraction


_BULLET = re.compile(r"^(?:[-*•·]\s+)+")  # a list item's marker ("- Open weights …")


def _sentences(text: str) -> list[str]:
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0)[:-1].replace(".", "") + "\0", text)
    sentences = (
        _BULLET.sub("", s.replace("\0", ".").strip()) for s in _SENTENCE_END.split(protected)
    )
    return [s for s in sentences if s]


def _is_candidate(sentence: str) -> bool:
    lowered = sentence.lower().lstrip("\"'“‘(")
    if sentence.rstrip("\"'”’) ").endswith("?"):
        return False
    if lowered.startswith(NON_CLAIM_OPENINGS):
        return False
    if any(word in lowered for word in EDITORIAL_WORDS) and _EDITORIAL.search(sentence):
        return False
    return not (
        any(word in lowered for word in BOILERPLATE_WORDS) and _BOILERPLATE.search(sentence)
    )


def _analyse(clause: str, unattributed: str) -> tuple[frozenset[str], list[str], list[Figure]]:
    """Verb families, other terms (names, objects) and figures of one clause (`unattributed`:
    the clause without who reported it)."""
    figures = [
        f
        for f in find_figures(unattributed)
        if f.kind != "number" and not _DENIED.search(unattributed[max(0, f.start - 16) : f.start])
    ]
    verbs: set[str] = set()
    names: list[str] = []
    text = _RELATIVE.sub(",", unattributed)
    if figures or find_figures(text):
        text = without_figures(text, [f for f in find_figures(text) if f.kind != "number"])
    about = False  # past the "over" of "sues Corvane over poached researchers"
    for token in normal_tokens(text):
        if token == "over" and verbs:
            about = True  # what the action is about: its verbs are not the claim's action
        term = term_of(token)
        if term is None:
            continue
        if token in VERB_FAMILY:
            if not about:
                verbs.add(term)
        elif term not in WEAK_TERMS:
            names.append(term)
    return frozenset(verbs), names, figures


def _is_title_case(sentence: str) -> bool:
    """A Headline Written In Title Case: capitals say nothing about who is a person."""
    words = _TITLE_CASE_WORD.findall(sentence)[1:]
    # (the sentence's own first word aside: "Ana Roe leaves …" has no long word before "leaves")
    rest = sentence.split(None, 1)[1] if len(sentence.split(None, 1)) > 1 else ""
    if any(w[0].islower() and w in VERB_FAMILY for w in _TITLE_CASE_WORD.findall(rest)):
        return False  # Title Case capitalises its verbs: "Lotte Wynn leaves Orrery" is not
    common = [w for w in words if w.lower() in _LOWER_CASE_WORDS]
    if len(common) >= 2 and sum(w[0].isupper() for w in common) * 2 >= len(common):
        return True
    other = [w for w in words if w.lower() not in _NAME_TOKENS]
    return len(other) >= 3 and sum(w[0].isupper() for w in other) >= 0.75 * len(other)


# Words after which a run of capitalised words is where someone works or goes, not who:
# "Dara Quint leaves Helix Forge for …", "hires Milo Brandt from Helix Forge".
_PLACE_BEFORE = frozenset(
    """from at leaves left leaving quits quit quitting exits exited exiting departs departed
    joins joined joining rejoins rejoined""".split()
)
# … and before which it is who hires: "Helix Forge hires Jane Roe".
_HIRER_AFTER = frozenset(
    """hires poaches lures recruits taps appoints names""".split()  # (not "Roe named CEO")
)
_LAST_WORD = re.compile(r"(\w+)\W*$")
_NEXT_WORD = re.compile(r"\W*(\w+)")


def _name_runs(clause: str) -> Iterator[tuple[list[str], bool]]:
    """Runs of capitalised words, cut after a possessive ("Apple's | Jane Roe"), each with
    whether its place says it is an organisation: right after a word that says a place
    follows (`_PLACE_BEFORE`), or right before a verb whose subject hires (`_HIRER_AFTER`)."""
    for run in _CAPITALISED_RUN.finditer(clause):
        before = _LAST_WORD.search(clause, max(0, run.start() - 24), run.start())
        after = _NEXT_WORD.match(clause, run.end())
        placed = (before is not None and before.group(1).lower() in _PLACE_BEFORE) or (
            after is not None and after.group(1) in _HIRER_AFTER
        )
        words: list[str] = []
        for word in run.group(0).split():
            words.append(word)
            if _POSSESSIVE_END.search(word):
                yield words, False
                words = []
        if words:
            yield words, placed


def _people(clause: str, title_case: bool) -> frozenset[str]:
    """The persons a clause names, by last name (as matching terms)."""
    people: set[str] = set()
    for words, organisation in _name_runs(clause):
        if any(_POSSESSIVE_END.sub("", w).lower() in _PERSON_WORDS for w in words):
            people.update(t for t in normal_tokens(" ".join(words)) if t in KNOWN_PEOPLE)
        if title_case or organisation or len(words) < 2:
            continue  # (organisation: "leaves Helix Forge for …", "Helix Forge hires …")
        if _POSSESSIVE_END.sub("", words[-1]).lower() in ORGANISATION_ENDINGS:
            continue  # "Corvane Frontier Lab"
        while words and _POSSESSIVE_END.sub("", words[-1]).lower() in _COMMON_WORDS:
            words.pop()
        names = [w for w in words if not w.endswith(".")]
        if len(names) < 2 or names[-2].lower() in _COMMON_WORDS:
            continue
        tokens = normal_tokens(" ".join(names))
        if not tokens or tokens[-1] in _ORGANISATION_TOKENS:
            continue  # "Thinking Machines", "Safe Superintelligence"
        term = term_of(tokens[-1])
        if term is not None:
            people.add(term)
    return frozenset(people)


_JOINED = re.compile(r"(?:and|but|while)\s+(?=\S)", re.IGNORECASE)
_ELIDED_SUBJECT = re.compile(
    r"(?:is|are|was|were|has|have|had|will|would)\s+\w+(?:ing|ed|en)\b", re.IGNORECASE
)
_LEANING = re.compile(
    r"(?:taking|giving|bringing|making|with|after|as|which|who|including|following|sending|"
    r"leaving|his|her|its|their|he|she|it|they|is|are|was|were|has|have|had|will|would)\b",
    re.IGNORECASE,
)


_SAYING = re.compile(r"(?:said|says|added|adds|told|tells|noted|notes|expects?|plans?)\b")


def _readable(clause: str) -> str:
    """A later clause as the reader sees it: "and Roe will join Meta" reads "Roe will join
    Meta"; one that leans on the sentence's start ("which takes 49%", "taking a stake") is
    shown as a continuation: "… which takes 49%"."""
    joined = _JOINED.match(clause)
    if joined:
        rest = clause[joined.end() :]
        first = rest.split(None, 1)[0] if rest.strip() else ""
        if first.islower() and (
            first in VERB_FAMILY or _SAYING.match(rest) or _LEANING.match(rest)
        ):
            return f"… {rest}"  # "and said the weights will be open": its subject went before
        return rest[:1].upper() + rest[1:]
    return f"… {clause}" if _LEANING.match(clause) else clause


def _claims_of_sentence(sentence: str) -> list[Claim]:
    out: list[Claim] = []
    if (
        _ACTION_WORDS.isdisjoint(_LETTERS.findall(sentence.lower()))
        and not _ATTRIBUTION.search(sentence)
        and not any(f.kind != "number" for f in find_figures(sentence))
    ):
        return out  # no action, figure or attribution anywhere: a cheap early exit
    subject: list[str] = []
    subject_people: frozenset[str] = frozenset()
    title_case = _is_title_case(sentence)
    attribution_words = _ATTRIBUTION_HINT.search(sentence) is not None
    # "Orrery and Tessellate confirm …": two names are one subject, not two clauses.
    joined = _COMPOUND_SUBJECT.sub(r"\1 \0and\0 ", sentence)
    # "the lab Varga leads after her return will hire 50": "after" right behind a verb starts
    # no clause of its own (the split left "… the lab Ilse Varga leads" as a claim).
    if "after" in joined.lower():
        joined = _VERB_AFTER.sub(_after_a_verb, joined)
    for number, raw in enumerate(_CLAUSE_SPLIT.split(joined)):
        raw = raw.replace("\0and\0", "and").replace("\0after\0", "after")
        clause = raw.strip(" ,;:-")
        words = _WORD.findall(clause)
        if len(words) < MIN_CLAIM_WORDS - (1 if number else 0) or len(words) > MAX_CLAIM_WORDS:
            continue
        attributed = bool(_ATTRIBUTION.search(clause))
        unattributed = _ATTRIBUTED_TO.sub(" ", clause) if attribution_words else clause
        verbs, names, figures = _analyse(clause, unattributed)
        if number and len(words) < MIN_CLAIM_WORDS and not figures:
            continue  # "… after Anand exit": two words after a split are a fragment, no claim
        if "acquire" in verbs and _NOT_BUYING_IT.search(unattributed):
            verbs = verbs - {"acquire"}
        people = _people(unattributed, title_case)
        if "hire" in verbs and not people and _MOVE_NOUN.search(unattributed):
            lowered = {token.lower() for token in _ANY_WORD.findall(unattributed)}
            if _MOVERS.isdisjoint(term_of(word) for word in lowered):
                # A move is someone's: "customers weigh exit" is none (it read as the CEO
                # leaving for Orrery).
                verbs = verbs - {"hire"}
        if number == 0:
            subject, subject_people = names, people
        elif len(set(names)) < 2 or _ELIDED_SUBJECT.match(clause):
            # "…, taking a 49% stake"; "… and is returning to Tessellate": the subject's
            names = list(dict.fromkeys([*subject, *names]))
            people = people or subject_people
        denial = not figures and _DENIES_REPORT.search(unattributed) is not None
        if not (verbs or figures or attributed or denial) or not names:
            continue  # (a denial is a claim: "Quillon denies sale talks with Meta")
        text = clean_line(_readable(clause) if number else raw)[:MAX_TEXT]
        terms = frozenset(names)
        negated = _negated(unattributed)
        if "lose" in verbs and people and _LOST_TO.search(unattributed):
            verbs = (verbs - {"lose"}) | {"hire"}  # "Apple loses its AI chief Roe to Meta"
        to: frozenset[str] = frozenset()
        if "hire" in verbs:
            # "… rejoins Orrery months after returning to Tessellate": where the person goes
            # now, not the background.
            main = _BACKGROUND.split(unattributed, maxsplit=1)[0]
            to = _destination(main, people) or _destination(unattributed, people)
        if figures:
            # A denial disputes the figures after it (`_denied`); a "not" negates them all.
            for figure, denied in zip(figures, _denied(unattributed, figures), strict=True):
                own = _verbs_of(verbs, unattributed, figure)
                own = own | {DENY} if denied or negated else own
                mine = _terms_of(figure, figures, unattributed, terms)
                out.append(Claim(text, own, mine, figure, people, to))
        else:
            negated = negated or denial
            out.append(Claim(text, verbs | {DENY} if negated else verbs, terms, None, people, to))
    return out


def _terms_of(
    figure: Figure, figures: list[Figure], clause: str, terms: frozenset[str]
) -> frozenset[str]:
    """The terms of one figure of a clause. Figures of one kind in a list ("71.4% on GPQA and
    88.1% on HumanEval") each take the clause's start and their own part: a report of 64.9%
    on GPQA disputed the HumanEval figure. A figure alone of its kind takes the whole clause
    ("$14.3B for 49% of Scale AI": the price is of Scale AI too)."""
    alike = [f for f in figures if f.kind == figure.kind]
    if len(alike) < 2:
        return terms
    ends = [f.start for f in figures if f.start > figure.start]
    own = clause[: figures[0].start] + " " + clause[figure.end : min(ends, default=len(clause))]
    found = frozenset(_analyse(own, own)[1])
    return found if len(found) >= 2 else terms


def _negated(clause: str) -> bool:
    """Whether the clause says its action did not or will not happen: "not", "never", "no" or
    an "n't" shortly before an action verb ("won't buy", "is not in talks to", "has no plans
    to"). "Did not say how much it paid" negates the saying, not the paying."""
    words = _NEGATION_TOKEN.findall(clause.lower())
    for number, word in enumerate(words):
        if word in _NEGATIONS or word.endswith(("n't", "n’t")):
            after = words[number + 1 : number + 1 + _NEGATION_REACH]
            if after and after[0] in _NOT_NEGATING:
                continue
            if any(w in VERB_FAMILY or w == "talks" for w in after):
                return True
    return False


_ORG_RUN = r"[A-Z][\w&.-]*(?:['’]s)?(?:\s+[A-Z][\w&.-]*(?:['’]s)?)*"
_HIRING = (
    r"(?i:hire[sd]?|hiring|rehire[sd]?|rehiring|poach(?:es|ed|ing)?|lure[sd]?|luring|"
    r"recruit(?:s|ed|ing)?|nab(?:s|bed)?|snag(?:s|ged)?|woo(?:s|ed)?)"
)
_MOVES_TO = re.compile(
    r"\b(?i:to|for|joins?|joined|joining|rejoins?|rejoined|rejoining)\s+(?:the\s+)?("
    + _ORG_RUN
    + ")|"
    r"\b" + _HIRING + r"\s+by\s+(" + _ORG_RUN + ")|"
    r"(" + _ORG_RUN + r")\s+(?:has\s+|have\s+)?" + _HIRING + r"\b|"
    # "Meta dangled $200 million to lure Roe": who offers, to bring the person in
    r"(" + _ORG_RUN + r")\s[^.;]{0,60}?\bto\s+" + _HIRING + r"\b"
)


_BACKGROUND = re.compile(r"\b(?:after|since|before|following)\b", re.IGNORECASE)
_LOST_TO = re.compile(r"\blos(?:e|es|t|ing)\b.*\bto\s+" + _ORG_RUN)


def _destination(clause: str, people: frozenset[str]) -> frozenset[str]:
    """Where the person of a move goes, as matching terms: what follows "to", "for", "joins"
    or "hired by", or who "hires" ("Meta hires Apple's Roe", "Roe leaves Apple for Meta",
    "Roe quits Meta, returns to DeepMind"). Empty when the clause does not say."""
    found: set[str] = set()
    for match in _MOVES_TO.finditer(clause):
        run = next(group for group in match.groups() if group)
        for token in normal_tokens(run):
            term = term_of(token)
            if term is not None and term not in people and token not in _LOWER_CASE_WORDS:
                found.add(term)
    return frozenset(found)


def _moves_apart(a: Claim, b: Claim) -> bool:
    """Two moves of one person in opposite directions: each says where the person goes, the
    places differ, and one names the other's destination as something else ("Meta hires
    DeepMind's Roe" and "Roe quits Meta, returns to DeepMind")."""
    if not a.to or not b.to:
        # One says where the person goes, the other only where they come from ("Northwind's
        # Duarte joins"): going there is going back ("Duarte returns to Northwind").
        going, coming = (a, b) if a.to else (b, a)
        return bool(going.to) and not _with_parents(going.to).isdisjoint(
            _with_parents(_origins(coming.text, coming.terms))
        )
    mine, theirs = _with_parents(a.to), _with_parents(b.to)
    if not mine.isdisjoint(theirs):
        return False
    return not (mine.isdisjoint(b.terms) and theirs.isdisjoint(a.terms))


_ORIGIN = re.compile(
    r"\b([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2})['’]s\s+(?=[A-Z]|(?:\w+\s+){0,2}[A-Z])"
    r"|\b(?:from|leaves|left|leaving|quits?|quitting|exits?|exited|departs?|departed)\s+"
    r"([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2})"
)


@functools.lru_cache(maxsize=4096)
def _origins(text: str, terms: frozenset[str]) -> frozenset[str]:
    """Where a moving person comes from, as the claim's terms: an organisation named with a
    possessive before the person ("Northwind's Duarte", "Northwind AI's researcher Rafael
    Duarte"), or after "from", "leaves", "quits"."""
    found: set[str] = set()
    for match in _ORIGIN.finditer(text):
        for token in normal_tokens(match.group(1) or match.group(2)):
            term = term_of(token)
            if term is not None and term in terms and token not in _LOWER_CASE_WORDS:
                found.add(term)
    return frozenset(found)


def _with_parents(places: frozenset[str]) -> frozenset[str]:
    return places | {ORG_PARENTS[p] for p in places if p in ORG_PARENTS}


_VALUATION = re.compile(r"\b(?:valu(?:ing|ed|es|e)|valuation)\b(?:\s+\w+){0,5}\s*$", re.I)


def _verbs_of(verbs: frozenset[str], clause: str, figure: Figure) -> frozenset[str]:
    """A figure's verbs: a valuation ("valuing it at $30 billion") is the `value` family
    alone, and the sentence's other figures are not valuations ("buys 49% for $14.8B, valuing
    it at $30B": the price and the valuation of one deal are two frames, never a conflict)."""
    if "value" not in verbs:
        return verbs
    if _VALUATION.search(clause[max(0, figure.start - 60) : figure.start]):
        return frozenset({"value"})
    return (verbs - {"value"}) or verbs


def _denied(clause: str, figures: list[Figure]) -> list[bool]:
    """Which figures a denial disputes: those with "denies" (or "refutes") between them and the
    previous figure, so "Meta paid $90 million and denies the $120 million figure" disputes only
    the second."""
    out = []
    start = 0
    for figure in figures:
        out.append(
            _DENIAL.search(clause, start, figure.start) is not None
            or (
                _WRONG_AFTER.match(clause, figure.end) is not None
                and _REPORTED.search(clause, start, figure.start) is not None
            )  # "reports of $50 million packages were wrong"
        )
        start = figure.end
    return out


def extract_claims(title: str, summary: str, content: str = "") -> list[Claim]:
    """The claims of one story, in reading order (duplicates within the story removed)."""
    sentences: list[str] = []
    parts = [p for p in _TITLE_PARTS.split(clean_line(title)) if p.strip()]
    if parts:
        # "Headline - Outlet": keep the headline; later parts only if they say something.
        sentences.append(parts[0])
        sentences.extend(p for p in parts[1:] if len(_WORD.findall(p)) > 3)
    summary = summary.strip()
    content = content.strip()
    if summary and content.startswith(summary[:200]):
        summary = ""  # the summary is the start of the content
    sentences.extend(_sentences(summary))
    sentences.extend(_sentences(content)[:MAX_CONTENT_SENTENCES])
    out: list[Claim] = []
    for sentence in sentences:
        if not _is_candidate(sentence):
            continue
        for claim in _claims_of_sentence(sentence):
            if not any(relation(claim, seen) == "same" for seen in out):
                out.append(claim)
    return out


# ---------------------------------------------------------------------------------------------
# Matching


def _overlap(a: frozenset[str], b: frozenset[str]) -> tuple[int, float]:
    shared = len(a & b)
    return shared, shared / max(1, min(len(a), len(b)))


def _figure_relation(a: Figure, b: Figure) -> str | None:
    """Agree, conflict, or None when both can be true without being the same figure: "more
    than $10B" and "$14.3B". Two limits on the same side are two reports of one limit: "up to
    $50 million" and "up to $100 million" offers disagree (read as ranges, they did not)."""
    if "+" in (a.bound, b.bound):
        # "two more engineers" contradicts no earlier count: it adds to it
        return "agree" if a.bound == b.bound and figures_agree(a, b) else None
    if figures_agree(a, b):
        return "agree"
    if a.bound in ("<", ">") and a.bound == b.bound:
        return "conflict"
    for limit, other in ((a, b), (b, a)):
        if limit.bound == ">" and other.value > limit.value:
            return None
        if limit.bound == "<" and other.value < limit.value:
            return None
    return "conflict"


def _is_round(figure: Figure) -> bool:
    """One significant digit in fact ("$100M", "600"), whatever the digits written."""
    return float(f"{figure.value:.1g}") == figure.value


def _denial_relation(new: Claim, old: Claim, figures: str | None, names_match: bool) -> str | None:
    """A denial of a figure against a claim of a figure: it contradicts the same figure in the
    same frame, and says nothing about another one ("denies $120 million" is no claim of $90
    million)."""
    if figures != "agree" or not names_match:
        return None
    mine, theirs = new.verbs - {DENY}, old.verbs - {DENY}
    return "conflict" if not mine or not theirs or mine & theirs else None


DEAL_FAMILIES = frozenset({"invest", "acquire", "offer", "spend"})
DEAL_SPREAD = 2.0  # reports of one price differ by less than this factor


def _one_deal(a: Claim, b: Claim) -> bool:
    """Two prices of one deal between the same parties, in other verbs ("pays $15 billion for
    49% of Scale AI", "buys 49% of Scale AI for $14.3 billion"): both name the same two
    organisations at least, no person, and figures within `DEAL_SPREAD` of each other (a
    price misreported is near the real one; "$100 million for data work" is another deal)."""
    if a.figure is None or b.figure is None or a.figure.kind != "money" or a.people or b.people:
        return False
    # A deal confirmed or announced ("confirms $14.3 billion deal") is one of those too.
    allowed = DEAL_FAMILIES | {"announce"}
    if not (a.verbs and b.verbs and a.verbs <= allowed and b.verbs <= allowed):
        return False
    if not (a.verbs | b.verbs) & DEAL_FAMILIES:
        return False
    shared, overlap = _overlap(a.terms, b.terms)
    low, high = sorted((a.figure.value, b.figure.value))
    return shared >= 2 and overlap >= 0.5 and low > 0 and high / low < DEAL_SPREAD


PAY_FAMILIES = frozenset({"offer", "hire"})


def _one_offer(a: Claim, b: Claim) -> bool:
    """Two reports of what one person was offered, in other verbs ("a $100 million pay
    package for Roe", "more than $200 million to lure Roe"): money, the same person named in
    both, and only pay and hiring verbs."""
    if a.figure is None or b.figure is None or a.figure.kind != "money":
        return False
    if not (a.people and b.people) or a.people.isdisjoint(b.people):
        if not _same_payee(a, b):
            return False
    return bool(a.verbs and b.verbs and a.verbs <= PAY_FAMILIES and b.verbs <= PAY_FAMILIES)


def _same_payee(a: Claim, b: Claim) -> bool:
    """Both claims say who is offered the money, and it is the same name ("Orrery offered
    Brenner $200 million", "Brenner was offered a pay package worth $100 million"): a person
    named by the last name alone is no person we can tell from a company elsewhere."""
    return not _payees(a.text, a.terms).isdisjoint(_payees(b.text, b.terms))


_NAME_RUN = r"([A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)"
# The verbs in any case (a Title Case headline), the name with its capitals.
_PAYEE = re.compile(
    r"\b(?i:offer(?:s|ed|ing)?)\s+(?:(?i:to)\s+)?"
    + _NAME_RUN
    + r"|"
    + _NAME_RUN
    + r"\s+(?i:(?:was|is|has\s+been|had\s+been|is\s+being)\s+offered)\b"
    + r"|\b(?i:(?:package|offer|bonus|deal)\s+(?:for|to))\s+"
    + _NAME_RUN
    + r"|\b(?i:to\s+(?:lure|poach|woo|keep|retain)|lur(?:es|ed|ing)|poach(?:es|ed|ing)|"
    r"woo(?:s|ed|ing))\s+" + _NAME_RUN
)


_MANY_PAID = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|dozens?|several|many|multiple|more|"
    r"other|\d+)\s+(?:[\w-]+\s+){0,3}?(?:researchers|engineers|scientists|employees|"
    r"executives|staffers|people|hires|recruits|leaders)\b|\bpackages\b",
    re.IGNORECASE,
)


def _one_and_many(a: Claim, b: Claim) -> bool:
    """One claim pays a named person, the other several people: two offers, not one."""

    def one(claim: Claim) -> bool:
        return bool(claim.people or _payees(claim.text, claim.terms))

    def many(claim: Claim) -> bool:
        return _MANY_PAID.search(claim.text) is not None

    return (one(a) and not many(a) and many(b)) or (one(b) and not many(b) and many(a))


def _payees_apart(a: Claim, b: Claim) -> bool:
    mine, theirs = _payees(a.text, a.terms), _payees(b.text, b.terms)
    return bool(mine and theirs and mine.isdisjoint(theirs))


@functools.lru_cache(maxsize=4096)
def _payees(text: str, terms: frozenset[str]) -> frozenset[str]:
    """Who a pay claim says is offered the money, as its terms."""
    found: set[str] = set()
    for match in _PAYEE.finditer(text):
        run = next(group for group in match.groups() if group)
        for token in normal_tokens(run):
            term = term_of(token)
            if term is not None and term in terms and token not in _LOWER_CASE_WORDS:
                found.add(term)
    return frozenset(found)


def relation(new: Claim, old: Claim) -> str | None:
    """Does `new` restate `old` ("same"), contradict its figure ("conflict") or neither (None)?

    Claims that name different people (and no person in common) are about different events:
    "Jane Roe leaves X for Meta" and "John Doe leaves X for Meta" are two claims."""
    shared, overlap = _overlap(new.terms, old.terms)
    same_verb = bool(new.verbs & old.verbs)
    no_verb = not new.verbs or not old.verbs
    names_match = shared >= min(2, len(new.terms), len(old.terms)) and overlap >= 0.5
    other_people = bool(new.people and old.people and new.people.isdisjoint(old.people))
    about_people = not PEOPLE_FAMILIES.isdisjoint(new.verbs | old.verbs)
    if _moves_apart(new, old):
        return None  # a person going back, or the other way: news of its own
    if new.figure is not None and old.figure is not None:
        a, b = new.figure, old.figure
        if a.kind != b.kind or (a.noun and b.noun and a.noun != b.noun):
            return None
        found = _figure_relation(a, b)
        if found is not None and _deals(new, old) and _actors_apart(new, old):
            return None  # Northwind's $20B bid is no other figure of Orrery's $13.6B one
        if (DENY in new.verbs) != (DENY in old.verbs):
            names_match = names_match or (
                not PAY_FAMILIES.isdisjoint(new.verbs) and _same_payee(new, old)
            )
            return _denial_relation(new, old, found, names_match and not other_people)
        if found == "agree":
            if other_people and (about_people or "offer" in new.verbs | old.verbs):
                return None
            if "offer" in new.verbs | old.verbs and _payees_apart(new, old):
                return None  # a nine-figure offer to Duarte is not Brenner's $100 million
            precise = a.sig >= 2 and not _is_round(a)
            # Two verbless clauses giving one exact figure of one thing ("40 researchers") in
            # one group are the same fact, whatever else their sentences say.
            bare = not new.verbs and not old.verbs and a.value == b.value and a.noun == b.noun
            return "same" if (same_verb or names_match or precise or bare) else None
        if found is None or other_people:
            return None
        if not PAY_FAMILIES.isdisjoint(new.verbs | old.verbs) and _one_and_many(new, old):
            return None  # "$90 million packages for three researchers" is not Varga's offer
        if (same_verb or no_verb) and names_match:
            return "conflict"
        return "conflict" if _one_deal(new, old) or _one_offer(new, old) else None
    if new.figure is not None:
        return None  # the new story adds a figure: a claim of its own
    if other_people or (about_people and new.people and not old.people):
        return None  # another person's move, or the first report to name who moved
    if about_people and _one_and_many(new, old):
        return None  # "poaches two more engineers" is not Ana Roe's move
    if (DENY in new.verbs) != (DENY in old.verbs):
        return None  # a denial of the claim (without a figure to dispute) is news of its own
    # No figure in the new claim: it restates `old` when the frame is the same.
    verbs_fit = same_verb or (not new.verbs and not old.verbs) or _one_departure(new, old)
    if not (verbs_fit and names_match):
        return None
    if not new.people and not old.people and _actors_apart(new, old):
        return None  # "Northwind also held talks to buy Tessellate" is not Orrery's talks
    return "same"


def _one_departure(a: Claim, b: Claim) -> bool:
    """One person's stepping down and their leaving, to nowhere named, from the same place:
    "Corvane chief scientist Leda Marsh steps down" and "Leda Marsh leaves Corvane"."""
    for down, left in ((a, b), (b, a)):
        if "stepdown" in down.verbs and "hire" in left.verbs and not left.to:
            if not (down.people and down.people == left.people):
                return False
            shared = down.terms & left.terms
            return (_named(left.text, left.terms) - left.people) <= shared or (
                _named(down.text, down.terms) - down.people
            ) <= shared
    return False


def _deals(a: Claim, b: Claim) -> bool:
    """Both claims are of deals (buying, investing, paying, announcing or planning one), where
    who buys makes it another deal; no person named."""
    allowed = DEAL_FAMILIES | {"announce", "plan", DENY}
    mine, theirs = a.verbs, b.verbs
    if a.people or b.people or not (mine - {DENY}) or not (theirs - {DENY}):
        return False
    return mine <= allowed and theirs <= allowed


def _actors_apart(a: Claim, b: Claim) -> bool:
    """Each claim names something (an organisation, a product) the other does not: two events
    of one kind, not one told twice."""
    return bool(_named(a.text, a.terms) - b.terms) and bool(_named(b.text, b.terms) - a.terms)


@functools.lru_cache(maxsize=8192)
def _named(text: str, terms: frozenset[str]) -> frozenset[str]:
    """The claim's terms written with a capital where a capital says it is a name: not at the
    start of the text, unless the word is no common one, and in Title Case only uncommon
    words."""
    title_case = _is_title_case(text)
    found = set()
    for index, word in enumerate(_ANY_WORD.findall(text)):
        if not word[:1].isupper():
            continue
        lowered = word.lower()
        if (index == 0 or title_case) and lowered in COMMON_WORDS:
            continue
        term = term_of(lowered)
        if term in terms:
            found.add(term)
    return frozenset(found)


_ANY_WORD = re.compile(r"[A-Za-z][\w'-]*")


# ---------------------------------------------------------------------------------------------
# Storage


@functools.lru_cache(maxsize=8192)
def _parsed(key: str, text: str) -> Claim:
    """`Claim.from_key`, remembered: a group's claims are read again by every batch that
    touches the group, and a Claim is immutable."""
    return Claim.from_key(key, text)


@dataclass
class _Known:
    id: int
    claim: Claim
    first_story_id: int | None
    # Event time of the first appearance, from its (published, arrival), read when needed;
    # None when the story is gone (retention).
    first_dates: tuple[str | None, str] | None = None
    _first_time: tuple[float, float] | None = None

    @property
    def first_time(self) -> tuple[float, float] | None:
        if self._first_time is None and self.first_dates is not None:
            self._first_time = time_interval(*self.first_dates)
        return self._first_time

    def first_is(self, story_id: int, event_time: tuple[float, float]) -> None:
        self.first_story_id = story_id
        self.first_dates = None
        self._first_time = event_time


def _earlier(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Event time `a` lies wholly before `b` (a day-only date is earlier than a time only when
    the whole day is)."""
    return a[1] < b[0]


@dataclass
class _Match:
    """How one claim of a story stands to the group's claims known before the story: the one
    it restates, else those whose figure it contradicts (in the group's order)."""

    claim: Claim
    same: _Known | None
    conflicts: list[_Known]


def _match(known: list[_Known], claim: Claim, story_id: int) -> _Match:
    same: _Known | None = None
    conflicts: list[_Known] = []
    for index, entry in enumerate(known):
        if same is not None and (claim.figure is None or entry.claim.figure is None):
            continue  # (only two figures conflict)
        found = relation(claim, entry.claim)
        if found == "same":
            if same is None and not _moves_again(claim, entry.claim, known[index + 1 :]):
                same = entry
        # A story's own figures never contradict each other: it is the claim's first source.
        elif found == "conflict" and entry.first_story_id != story_id:
            conflicts.append(entry)
    return _Match(claim, same, conflicts)


_AGAIN = re.compile(
    r"\b(?:re-?join\w*|re-?hire\w*|return\w*|again|(?:comes?|came|coming|is|be)\s+back|"
    r"back\s+(?:at|to|with))\b",
    re.IGNORECASE,
)


def _moves_again(new: Claim, old: Claim, later: list[_Known]) -> bool:
    """`new` tells a person's move to where `old` took them, as a move again ("rejoins
    Orrery", "is back at Orrery"), and the group knows of a move the other way since ("quits
    Orrery, returns to Tessellate"): the person went back a second time, news of its own (it
    read as a repeat of the first move)."""
    if not new.to or not new.people or not _AGAIN.search(new.text) or _AGAIN.search(old.text):
        return False
    return any(
        entry.claim.people & new.people and _moves_apart(entry.claim, old) for entry in later
    )


@dataclass
class _Story:
    """The story being recorded: its event time (read when first needed), the claims its
    earlier text disagreed with (it is recorded again when its text changes) and those it
    disputes now."""

    id: int
    stamp: str
    time: tuple[float, float] | None
    disagreed: set[int]
    disputes: set[int] = field(default_factory=set)
    before: dict[int, bool] = field(default_factory=dict)  # claim id → first appearance, as read
    wording: dict[int, str] = field(default_factory=dict)  # claim id → its earlier wording
    reworded: set[int] = field(default_factory=set)  # claims whose wording was refreshed


def _same_frame(new: Claim, old: Claim) -> bool:
    """A claim that restates none of the old ones but tells the same kind of event about the
    same people or things: the old one reworded by an edit."""
    verbs = (new.verbs - {DENY}) & (old.verbs - {DENY})
    if not verbs:
        return False
    if new.people and old.people:
        return not new.people.isdisjoint(old.people)
    return _overlap(new.terms, old.terms)[1] >= 0.5


def _likeness(a: str, b: str) -> tuple[float, int]:
    """How alike two wordings are: the share of words they have in common (then the shorter)."""
    mine, theirs = set(a.lower().split()), set(b.lower().split())
    return len(mine & theirs) / max(1, len(mine | theirs)), -len(b)


def _settles(claim: Claim, disputed: list[_Known]) -> bool:
    """An announcement or confirmation of a figure the reports before it gave otherwise ("Orrery
    confirms $10.5 billion investment" after "$8 billion", "$11 billion" rumours): it disputes
    them, and it is the news, a claim of its own (it was only a ≠ on the rumour)."""
    return (
        "announce" in claim.verbs
        and DENY not in claim.verbs
        and not any("announce" in entry.claim.verbs for entry in disputed)
    )


class GroupClaims:
    """Records a story's claims against its group's claims; caches each group's claims.

    A claim's first appearance is the earliest-published story that states it, whatever the
    order in which the polls brought them: when a slow feed delivers a story published before
    the claim's current first appearance, the first appearance moves to it (`first_story_id`,
    the wording in `text`, `is_new`) and the old one becomes a repeat. The claim keeps its id,
    its key and `first_seen` (when the monitor first saw the claim), so digests and the groups'
    new-claim counts never report it as new a second time.

    A story is on one side of each claim: it repeats it or it disagrees. It disagrees when one
    of its figures contradicts the claim's and none of its other claims restates it ("raised
    the offer to $120 million from $90 million" repeats a $120 million claim); a figure that
    contradicts several claims disagrees with each. The flags follow one rule, whatever the
    order of arrival: a claim is `conflicting` exactly when one of its appearances other than
    the first disagrees, and its first appearance carries the same flag (`_settle`). So a claim
    marked conflicting always has a report on the other side to name.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._groups: dict[int, list[_Known]] = {}
        # group id → the claim id of the last announcement that settled a figure the group's
        # reports disputed (`_settles`): what its title should say now
        self.settled: dict[int, int] = {}

    def _known(self, group_id: int) -> list[_Known]:
        known = self._groups.get(group_id)
        if known is None:
            known = [
                _Known(
                    row[0],
                    _parsed(row[1], row[2]),
                    row[3],
                    None if row[3] is None or row[4] is None else (row[5], row[4]),
                )
                for row in self.conn.execute(
                    "SELECT c.id, c.key, c.text, c.first_story_id, s.first_seen, s.published "
                    "FROM claims c LEFT JOIN stories s ON s.id = c.first_story_id "
                    "WHERE c.group_id = ? ORDER BY c.id",
                    (group_id,),
                )
            ]
            self._groups[group_id] = known
        return known

    def _event_time(self, story: _Story) -> tuple[float, float] | None:
        if story.time is None:
            row = self.conn.execute(
                "SELECT published, first_seen FROM stories WHERE id = ?", (story.id,)
            ).fetchone()
            story.time = None if row is None else time_interval(row[0], row[1])
        return story.time

    def record_story(
        self,
        group_id: int,
        story_id: int,
        claims: list[Claim],
        stamp: str,
        event_time: tuple[float, float] | None = None,
    ) -> int:
        """Store a story's claims (from `extract_claims`) as appearances of the group's known
        claims or as new ones. `stamp` is when the story arrived (or changed); `event_time`
        its (lo, hi) publication interval (`grouping_text.time_interval` of published, else
        arrival), read from `stories` when not given. Returns the number of new claims. Runs
        in the caller's transaction.

        Every claim is matched before any is stored, so which claims the story repeats is
        known whatever the order of its sentences. A story recorded again (its text changed)
        takes the side its new text is on for each claim it still states."""
        known = self._known(group_id)
        story = _Story(story_id, stamp, event_time, set())
        new_count = corrected = 0
        for claim_id, is_new, conflicting, text in self.conn.execute(
            "SELECT claim_id, is_new, conflicting, text FROM claim_appearances WHERE story_id = ?",
            (story_id,),
        ):
            story.before[claim_id] = bool(is_new)
            story.wording[claim_id] = text
            if conflicting and not is_new:
                story.disagreed.add(claim_id)
        matches = [_match(known, claim, story_id) for claim in claims]
        if story.before:
            # Recorded before, with other text: what it no longer states loses this source
            # first, so that its new figures meet the claims as the other reports leave them.
            stated = {m.same.id for m in matches if m.same is not None}
            stale = [claim_id for claim_id in story.before if claim_id not in stated]
            corrected = self._corrected(known, story, stale, matches)
            if stale:
                new_count += self._detach(group_id, story, stale)
                matches = [_match(known, claim, story_id) for claim in claims]
        repeated = {m.same.id for m in matches if m.same is not None}
        for found in matches:
            conflicts = [entry for entry in found.conflicts if entry.id not in repeated]
            if found.same is not None:
                self._repeat(found.same, story, found.claim.text)
                # Two claims the group kept apart ("nears deal valuing the stake at $11
                # billion", "in talks to buy the stake for $8 billion"): a report that states
                # one and contradicts the other says they disagree.
                for entry in conflicts:
                    self._disagree(entry, story, found.claim.text)
            elif conflicts:
                for entry in conflicts:
                    self._disagree(entry, story, found.claim.text)
                if _settles(found.claim, conflicts):
                    known.append(self._add(group_id, story, found.claim))
                    new_count += 1
                    self.settled[group_id] = known[-1].id
            else:
                known.append(self._add(group_id, story, found.claim))
                new_count += 1
        if story.before and (corrected or new_count):
            # An edited story that now claims something else is unread again (a reworded
            # one keeps its read mark: see store.store_entries).
            self.conn.execute("UPDATE stories SET read = 0 WHERE id = ?", (story_id,))
        return new_count

    def _corrected(
        self, known: list[_Known], story: _Story, stale: list[int], matches: list[_Match]
    ) -> int:
        """Note the corrections in a story's new text (`claim_corrections`): a figure it states
        in place of one it stated before (the same frame, another figure), and a figure that
        now agrees with a claim it disagreed with."""
        changed: list[tuple[str, str]] = []
        by_id = {entry.id: entry for entry in known}
        for claim_id in stale:
            entry = by_id.get(claim_id)
            if entry is None:
                continue
            was = story.wording[claim_id]
            instead = [
                found.claim.text
                for found in matches
                if relation(found.claim, entry.claim) == "conflict"
            ] or [
                # No figure to dispute: a new claim in the same frame says it otherwise now
                # ("joins Meta to lead pretraining" → "joins Meta as chief scientist").
                found.claim.text
                for found in matches
                if found.same is None and _same_frame(found.claim, entry.claim)
            ]
            if instead:
                # One correction per figure it stated, the wording most like the old one: a
                # sentence that also gives a valuation conflicts with a price too, and read as
                # the headline "corrected" into that sentence.
                changed.append((was, max(instead, key=lambda now: _likeness(was, now))))
        changed += [
            (story.wording[found.same.id], found.claim.text)
            for found in matches
            if found.same is not None and found.same.id in story.disagreed
        ]
        rows = [(story.id, was, now, story.stamp) for was, now in changed if was != now]
        self.conn.executemany(
            "INSERT OR IGNORE INTO claim_corrections (story_id, was, now, noticed) "
            "VALUES (?, ?, ?, ?)",
            rows,
        )
        return len(rows)

    def _detach(self, group_id: int, story: _Story, stale: list[int]) -> int:
        """Take `story` off claims its new text no longer states. A claim it was the first
        appearance of passes to the earliest other report stating it; a claim nobody else
        states is deleted, and the reports that disagreed with it are recorded again (their
        figures become claims of their own). Returns the new claims that made."""
        known = self._known(group_id)
        new_count = 0
        for claim_id in stale:
            self.conn.execute(
                "DELETE FROM claim_appearances WHERE claim_id = ? AND story_id = ?",
                (claim_id, story.id),
            )
            story.disagreed.discard(claim_id)
            if not story.before.pop(claim_id):
                self._settle(claim_id)
                continue
            entry = next((e for e in known if e.id == claim_id), None)
            others = self.conn.execute(
                "SELECT a.story_id, a.text, a.conflicting, s.published, s.first_seen "
                "FROM claim_appearances a JOIN stories s ON s.id = a.story_id "
                "WHERE a.claim_id = ?",
                (claim_id,),
            ).fetchall()
            stating = [
                (time_interval(row[3], row[4]), row[0], row[1]) for row in others if not row[2]
            ]
            if stating:
                event_time, first_id, text = min(stating)
                self.conn.execute(
                    "UPDATE claim_appearances SET is_new = 1, conflicting = 0 "
                    "WHERE claim_id = ? AND story_id = ?",
                    (claim_id, first_id),
                )
                self.conn.execute(
                    "UPDATE claims SET first_story_id = ?, text = ? WHERE id = ?",
                    (first_id, text, claim_id),
                )
                if entry is not None:
                    entry.first_is(first_id, event_time)
                self._settle(claim_id)
                continue
            self._uncount(claim_id)
            self.conn.execute("DELETE FROM claim_appearances WHERE claim_id = ?", (claim_id,))
            self.conn.execute("DELETE FROM claims WHERE id = ?", (claim_id,))
            if entry is not None:
                known.remove(entry)
            for row in others:
                new_count += self._record_again(group_id, int(row[0]))
        return new_count

    def _uncount(self, claim_id: int) -> None:
        """A claim about to be deleted leaves its group's count of new claims if it is one of
        them (the group's `new_claims` newest, as the TUI marks them): the badge said "2 new"
        over one."""
        self.conn.execute(
            "UPDATE groups SET new_claims = new_claims - 1 WHERE new_claims > 0 AND id = "
            "(SELECT c.group_id FROM claims c WHERE c.id = :id) AND new_claims > ("
            "SELECT COUNT(*) FROM claims n, claims c WHERE c.id = :id AND n.group_id = c.group_id "
            "AND (n.first_seen > c.first_seen OR (n.first_seen = c.first_seen AND n.id > c.id)))",
            {"id": claim_id},
        )

    def _record_again(self, group_id: int, story_id: int) -> int:
        """Record a stored story's claims again, from its stored text."""
        row = self.conn.execute(
            "SELECT title, summary, content, published, first_seen, updated_at FROM stories "
            "WHERE id = ?",
            (story_id,),
        ).fetchone()
        if row is None:
            return 0
        claims = extract_claims(row[0] or "", row[1] or "", row[2] or "")
        stamp = row[5] or row[4] or ""
        return self.record_story(group_id, story_id, claims, stamp, time_interval(row[3], row[4]))

    def _edited(self, story: _Story) -> bool:
        """Was the story recorded before, with other text?"""
        if story.before:
            return True
        row = self.conn.execute("SELECT updated_at FROM stories WHERE id = ?", (story.id,))
        return (row.fetchone() or (None,))[0] is not None

    def _repeat(self, entry: _Known, story: _Story, text: str) -> None:
        """`story` states `entry` again: a repeat, or its new first appearance if published
        wholly before the current one."""
        if (
            entry.first_story_id != story.id
            and entry.first_time is not None
            and (entry.id in story.before or not self._edited(story))
        ):
            # (a story that says it only since an edit said it then, not when it was published)
            event_time = self._event_time(story)
            if event_time is not None and _earlier(event_time, entry.first_time):
                self._move_first(entry, story.id, text, event_time, story.stamp)
                return
        if entry.id in story.disagreed:
            self.conn.execute(
                "UPDATE claim_appearances SET conflicting = 0, text = ? "
                "WHERE claim_id = ? AND story_id = ?",
                (text, entry.id, story.id),
            )
            self._settle(entry.id)
        elif entry.id in story.before and entry.id not in story.reworded:
            # the story says it again, perhaps in other words: show its current wording
            story.reworded.add(entry.id)
            self.conn.execute(
                "UPDATE claim_appearances SET text = ? WHERE claim_id = ? AND story_id = ?",
                (text, entry.id, story.id),
            )
            if story.before[entry.id]:
                self.conn.execute("UPDATE claims SET text = ? WHERE id = ?", (text, entry.id))
        self.conn.execute(
            "INSERT OR IGNORE INTO claim_appearances (claim_id, story_id, text, is_new) "
            "VALUES (?, ?, ?, 0)",
            (entry.id, story.id, text),
        )

    def _disagree(self, entry: _Known, story: _Story, text: str) -> None:
        """`story` contradicts `entry`'s figure: its appearance disagrees, with the first of its
        wordings that does, and the claim and its first appearance are marked."""
        if entry.id in story.disputes:
            return
        self.conn.execute(
            "INSERT INTO claim_appearances (claim_id, story_id, text, is_new, conflicting) "
            "VALUES (?, ?, ?, 0, 1) ON CONFLICT (claim_id, story_id) DO UPDATE "
            "SET conflicting = 1, text = excluded.text WHERE is_new = 0",
            (entry.id, story.id, text),
        )
        story.disputes.add(entry.id)
        self._settle(entry.id)

    def _add(self, group_id: int, story: _Story, claim: Claim) -> _Known:
        """A claim the group did not know, first appearing in `story`."""
        cursor = self.conn.execute(
            "INSERT INTO claims (group_id, key, text, first_story_id, first_seen) "
            "VALUES (?, ?, ?, ?, ?)",
            (group_id, claim.key, claim.text, story.id, story.stamp),
        )
        claim_id = int(cursor.lastrowid or 0)
        self.conn.execute(
            "INSERT INTO claim_appearances (claim_id, story_id, text, is_new) VALUES (?, ?, ?, 1)",
            (claim_id, story.id, claim.text),
        )
        entry = _Known(claim_id, claim, story.id)
        event_time = self._event_time(story)
        if event_time is not None:
            entry.first_is(story.id, event_time)
        return entry

    def _move_first(
        self,
        entry: _Known,
        story_id: int,
        text: str,
        event_time: tuple[float, float],
        stamp: str,
    ) -> None:
        """Make `story_id` (published before the current first appearance) the claim's first
        appearance; the old one becomes a repeat. Not a new claim: id, key and the time the
        monitor first saw it stay (`first_seen` only ever moves earlier). A story that
        disagreed before its text changed is on the claim's side now."""
        self.conn.execute(
            "UPDATE claim_appearances SET is_new = 0, conflicting = 0 "
            "WHERE claim_id = ? AND is_new = 1",
            (entry.id,),
        )
        self.conn.execute(
            "INSERT INTO claim_appearances (claim_id, story_id, text, is_new) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (claim_id, story_id) DO UPDATE "
            "SET is_new = 1, conflicting = 0, text = excluded.text",
            (entry.id, story_id, text),
        )
        self.conn.execute(
            "UPDATE claims SET first_story_id = ?, text = ?, first_seen = min(first_seen, ?) "
            "WHERE id = ?",
            (story_id, text, stamp, entry.id),
        )
        entry.first_is(story_id, event_time)
        self._settle(entry.id)

    def _settle(self, claim_id: int) -> None:
        """Set the claim's flag, and its first appearance's, from its appearances: conflicting
        exactly when a report other than the first disagrees."""
        self.conn.execute(
            "UPDATE claims SET conflicting = EXISTS (SELECT 1 FROM claim_appearances a "
            "WHERE a.claim_id = claims.id AND a.is_new = 0 AND a.conflicting = 1) WHERE id = ?",
            (claim_id,),
        )
        self.conn.execute(
            "UPDATE claim_appearances SET conflicting = "
            "(SELECT conflicting FROM claims WHERE id = ?) WHERE claim_id = ? AND is_new = 1",
            (claim_id, claim_id),
        )
