"""Topic rules: the `topics:` section of feeds.yaml and the built-in topics.

A topic is a tag (`meta_ai`, `llama`, `talent`, or one of the user's) with an ordered list of
rules; the first rule that fires gives the story the tag and is recorded as the reason, with the
words it matched. The rule language is small, in the spirit of elfeed's tagger and Miniflux's
keep/block rules (full reference with examples: docs/topics.md):

- A *term* is a word or phrase matched on whole words, case-insensitively: `hire` matches "Hire"
  but not "hired" or "hireling"; `Llama 4` matches "Llama 4", "llama-4" and "Llama4"; `poach*`
  matches "poach", "poached", "poaching". `=Meta` matches that exact case only (so "the meta" of
  a game does not count); `/regex/` is a Python regular expression (case-insensitive unless
  written `=/regex/`); `@name` stands for every term of a named list.
- A rule fires when every clause of `all` matches (co-occurrence: a move verb *and* an AI
  context), plus its `any` clause if given, in the fields named by `in` (title, summary,
  content, feed, feed_tags), and none of its `not` terms match. `requires` asks for tags the
  story already has (another topic's, or a feed's tag).
- A topic's `ignore` phrases are blanked out before its rules look at the text ("meta-analysis"
  never counts as "Meta"); its `not` terms veto the whole topic.

The built-in topics are defaults: a topic of the same name in feeds.yaml adds its rules to the
built-in one (or replaces it with `replace: true`, or drops it with `enabled: false`), and a
user list of the same name as a built-in list replaces it (`@name` inside it means the built-in
list, so `ai: ["@ai", robotics]` extends it). Everything is validated when the config loads: a
bad regex, an unknown `@list`, a cycle of `requires` are errors naming the topic and the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

FieldName = Literal["title", "summary", "content", "feed", "feed_tags"]
FIELD_NAMES: tuple[FieldName, ...] = ("title", "summary", "content", "feed", "feed_tags")
DEFAULT_FIELDS: tuple[FieldName, ...] = ("title", "summary")
MIN_PREFIX_LETTERS = 3  # `poach*` is fine, `ai*` would match half the dictionary

_TAG_NAME = re.compile(r"^[\w][\w.\-]*$")
_LIST_NAME = re.compile(r"^[A-Za-z_][\w]*$")

Term = Annotated[str, Field(min_length=1)]
"""A term as written: `phrase`, `prefix*`, `=Exact Case`, `/regex/`, `=/regex/` or `@list`."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def check_term(term: str) -> str | None:
    """The problem with one term as written, or None when it is valid (`@list` not resolved)."""
    text = term.strip()
    if not text:
        return "empty term"
    if text.startswith("@"):
        return None if _LIST_NAME.match(text[1:]) else f"{term!r}: bad list name"
    if text.startswith("="):
        text = text[1:]
    if len(text) >= 2 and text.startswith("/") and text.endswith("/"):
        pattern = text[1:-1]
        if not pattern:
            return f"{term!r}: empty regex"
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            return f"bad regex {term!r}: {exc}"
        if compiled.match(""):
            return f"regex {term!r} matches empty text (it would match every story)"
        return None
    if text.startswith("/"):
        return f"{term!r}: a regex must end with '/'"
    if not any(ch.isalnum() for ch in text):
        return f"{term!r}: a term needs at least one letter or digit"
    for word in text.split():
        if "*" in word[:-1]:
            return f"{term!r}: '*' is only allowed at the end of a word"
    if text.endswith("*"):
        last = re.split(r"[\s\-_]+", text[:-1])[-1]
        letters = re.match(r"[^\W\d_]*$", last)
        if not letters or len(last) < MIN_PREFIX_LETTERS:
            return (
                f"{term!r}: a prefix before '*' needs at least {MIN_PREFIX_LETTERS} letters "
                "and no digits"
            )
    return None


def _check_terms(terms: list[str], where: str) -> None:
    for term in terms:
        problem = check_term(term)
        if problem:
            raise ValueError(f"{where}: {problem}")


class Clause(_Strict):
    """One clause written as a mapping, to give it its own fields."""

    terms: list[Term] = Field(min_length=1)
    """At least one of these must match."""
    in_: list[FieldName] | None = Field(default=None, alias="in")
    """Fields this clause looks at (default: the rule's)."""


def _one_clause(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """One message for a clause of the wrong shape. Tried against each form in turn, pydantic
    reported a problem per form, named by its internal types ("constrained-str", "Clause")."""
    if isinstance(value, dict):
        return Clause.model_validate(value)  # the mapping's own problems, such as an unknown key
    try:
        return handler(value)
    except ValidationError:
        if isinstance(value, list):
            raise ValueError(
                "a list of terms holds only text (a word, a phrase, a /regex/ or an @list), "
                "one level deep"
            ) from None
        raise ValueError(
            f"a clause is a term, a list of terms, or a mapping with terms:, not {value!r}"
        ) from None


ClauseSpec = Annotated[Term | list[Term] | Clause, WrapValidator(_one_clause)]


class RuleConfig(_Strict):
    """One way a story earns the tag."""

    name: str | None = None
    """Shown as the reason for the tag (default: `<tag>#<n>`)."""
    in_: list[FieldName] | None = Field(default=None, alias="in")
    """Fields the rule looks at (default: the topic's, else title and summary)."""
    any_: list[Term] = Field(default_factory=list, alias="any")
    """At least one of these must match."""
    all_: list[ClauseSpec] = Field(default_factory=list, alias="all")
    """Every clause must match: a term, a list of alternatives, or {terms, in}."""
    not_: list[Term] = Field(default_factory=list, alias="not")
    """The rule does not fire if any of these match."""
    requires: list[str] = Field(default_factory=list)
    """Tags the story must already have (from other topics or its feed)."""

    @model_validator(mode="after")
    def _check(self) -> RuleConfig:
        label = f"rule {self.name!r}" if self.name else "rule"
        if not self.any_ and not self.all_ and not self.requires:
            raise ValueError(f"{label}: needs `any`, `all` or `requires`")
        _check_terms(self.any_, f"{label}: any")
        for index, clause in enumerate(self.all_):
            _check_terms(clause_terms(clause), f"{label}: all[{index}]")
        _check_terms(self.not_, f"{label}: not")
        return self


class TopicConfig(_Strict):
    """One tag and the rules that give it."""

    description: str = ""
    """What the tag means, for people reading feeds.yaml and docs."""
    enabled: bool = True
    """false drops the tag (also a built-in one)."""
    replace: bool = False
    """For a built-in tag: use only these rules instead of adding them to the built-in ones."""
    in_: list[FieldName] | None = Field(default=None, alias="in")
    """Default fields for this topic's rules (default: title and summary)."""
    ignore: list[Term] = Field(default_factory=list)
    """Phrases blanked out before this topic's rules look at a story."""
    not_: list[Term] = Field(default_factory=list, alias="not")
    """The topic is not given if any of these match (in the firing rule's fields)."""
    rules: list[RuleConfig] = Field(default_factory=list)
    """Tried in order; the first that fires is recorded as the reason."""

    @model_validator(mode="after")
    def _check(self) -> TopicConfig:
        _check_terms(self.ignore, "ignore")
        _check_terms(self.not_, "not")
        return self


class TopicsConfig(_Strict):
    """The `topics:` section of feeds.yaml."""

    builtin: bool = True
    """Start from the built-in topics meta_ai, llama and talent."""
    lists: dict[str, list[Term]] = Field(default_factory=dict)
    """Named term lists, used in rules as `@name`; a built-in list of the same name is
    replaced (`@name` inside it means the built-in one)."""
    tags: dict[str, TopicConfig] = Field(default_factory=dict)
    """Topics by tag name: new ones, or additions to / replacements of built-in ones."""

    @field_validator("lists")
    @classmethod
    def _check_lists(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, terms in value.items():
            if not _LIST_NAME.match(name):
                raise ValueError(f"{name!r}: list names are letters, digits and _")
            _check_terms(terms, name)
        return value

    @field_validator("tags")
    @classmethod
    def _check_tag_names(cls, value: dict[str, TopicConfig]) -> dict[str, TopicConfig]:
        for name in value:
            if not _TAG_NAME.match(name):
                raise ValueError(
                    f"{name!r}: a tag is letters, digits, '_', '-' or '.', starting with a letter, digit or '_'"
                )
        return value

    @model_validator(mode="after")
    def _check_resolves(self) -> TopicsConfig:
        resolve(self)  # raises ValueError naming the topic and rule
        return self


def clause_terms(clause: Any) -> list[str]:
    if isinstance(clause, Clause):
        return list(clause.terms)
    if isinstance(clause, str):
        return [clause]
    return list(clause)


# ---------------------------------------------------------------------------------------------
# Resolution: built-ins merged with the user's topics, lists expanded, order of evaluation.


@dataclass(frozen=True)
class ResolvedClause:
    terms: tuple[str, ...]
    fields: tuple[FieldName, ...]


@dataclass(frozen=True)
class ResolvedRule:
    name: str
    clauses: tuple[ResolvedClause, ...]
    exclude: ResolvedClause | None
    requires: tuple[str, ...]


@dataclass(frozen=True)
class ResolvedTopic:
    tag: str
    ignore: tuple[str, ...]
    rules: tuple[ResolvedRule, ...]


def _expand(
    terms: list[str], lists: dict[str, list[str]], builtin_lists: dict[str, list[str]], where: str
) -> tuple[str, ...]:
    out: list[str] = []
    seen: set[str] = set()

    def visit(items: list[str], owner: str | None, stack: tuple[str, ...]) -> None:
        for raw in items:
            term = raw.strip()
            if not term.startswith("@"):
                if term not in seen:
                    seen.add(term)
                    out.append(term)
                continue
            name = term[1:]
            if name == owner and name in builtin_lists:  # `@ai` inside the user's `ai`
                source, next_owner = builtin_lists[name], None
            elif name in lists:
                source, next_owner = lists[name], name
            else:
                raise ValueError(f"{where}: unknown list @{name}")
            if name in stack and next_owner is not None:
                raise ValueError(f"{where}: lists refer to each other in a cycle: @{name}")
            visit(source, next_owner, (*stack, name))

    visit(terms, None, ())
    return tuple(out)


def resolve(config: TopicsConfig) -> list[ResolvedTopic]:
    """The effective topics, in evaluation order (a topic after the topics it `requires`)."""
    builtin_lists = dict(BUILTIN_LISTS) if config.builtin else {}
    lists = {**builtin_lists, **config.lists}
    topics: dict[str, TopicConfig] = dict(BUILTIN_TOPICS) if config.builtin else {}
    for tag, user in config.tags.items():
        base = topics.get(tag)
        if not user.enabled:
            topics.pop(tag, None)
        elif base is None or user.replace:
            topics[tag] = user
        else:
            topics[tag] = base.model_copy(
                update={
                    "ignore": [*base.ignore, *user.ignore],
                    "not_": [*base.not_, *user.not_],
                    "rules": [*base.rules, *user.rules],
                    "in_": user.in_ or base.in_,
                }
            )
    resolved: dict[str, ResolvedTopic] = {}
    for tag, topic in topics.items():
        where_topic = f"tags.{tag}"
        default_fields = tuple(topic.in_ or DEFAULT_FIELDS)
        rules = []
        for index, rule in enumerate(topic.rules):
            name = rule.name or f"{tag}#{index + 1}"
            where = f"{where_topic}.rules[{index}] ({name})"
            fields = tuple(rule.in_ or default_fields)
            clauses = []
            if rule.any_:
                clauses.append(
                    ResolvedClause(_expand(rule.any_, lists, builtin_lists, where), fields)
                )
            for spec in rule.all_:
                clause_fields = tuple(spec.in_ or fields) if isinstance(spec, Clause) else fields
                terms = _expand(clause_terms(spec), lists, builtin_lists, where)
                clauses.append(ResolvedClause(terms, clause_fields))
            not_terms = _expand([*rule.not_, *topic.not_], lists, builtin_lists, where)
            exclude = ResolvedClause(not_terms, fields) if not_terms else None
            rules.append(ResolvedRule(name, tuple(clauses), exclude, tuple(rule.requires)))
        ignore = _expand(topic.ignore, lists, builtin_lists, f"{where_topic}.ignore")
        resolved[tag] = ResolvedTopic(tag, ignore, tuple(rules))
    return _order(resolved)


def _order(topics: dict[str, ResolvedTopic]) -> list[ResolvedTopic]:
    order: list[ResolvedTopic] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(tag: str, path: tuple[str, ...]) -> None:
        if state.get(tag) == 2:
            return
        if state.get(tag) == 1:
            raise ValueError(f"tags.{tag}: `requires` forms a cycle: {' -> '.join((*path, tag))}")
        state[tag] = 1
        for rule in topics[tag].rules:
            for needed in rule.requires:
                if needed in topics:
                    visit(needed, (*path, tag))
        state[tag] = 2
        order.append(topics[tag])

    for tag in topics:
        visit(tag, ())
    return order


# ---------------------------------------------------------------------------------------------
# Built-in topics. Lists are general vocabulary of the beat, never fitted to single headlines.

BUILTIN_LISTS: dict[str, list[str]] = {
    # Meta the company, written the way the press writes it (exact case: "the meta" of a game,
    # "meta" as a prefix word and Metaculus/metadata/metaverse never count).
    "meta": [
        "=Meta", "=META", "Zuckerberg", "=Zuck", "Facebook parent", "Facebook owner",
        "Facebook-owner",
        "Instagram parent", "Instagram owner",
    ],
    "meta_apps": ["Facebook", "Instagram", "WhatsApp", "=Messenger", "Ray-Ban Meta"],
    # Names that only ever mean Meta's AI organisation or events.
    "meta_ai_names": [
        "Meta AI", "Meta Superintelligence*", "Superintelligence Labs", "TBD Lab",
        "Fundamental AI Research", "LlamaCon", "MetaAI",
    ],
    "ai": [
        "=AI", "=AIs", "=IA", "artificial intelligence", "GenAI", "generative",
        "machine learning", "deep learning", "neural network*", "LLM", "LLMs",
        "large language model*", "language model*", "foundation model*", "frontier model*",
        "reasoning model*", "open-weight*", "open weights", "chatbot*", "AGI",
        "superintelligen*", "PyTorch", "ChatGPT", "GPT*", "Gemini", "=Claude", "Copilot",
        "=Grok", "DeepSeek", "Qwen", "AI-powered",
    ],
    # AI labs and companies whose people the talent war is about.
    "ai_orgs": [
        "OpenAI", "Anthropic", "DeepMind", "=xAI", "Mistral", "Thinking Machines",
        "Safe Superintelligence", "=SSI", "Scale AI", "Inflection AI", "Character.AI",
        "Perplexity", "Cohere", "Hugging Face", "Midjourney", "Stability AI", "Windsurf",
        "Cognition AI", "Anysphere", "Reflection AI", "Sakana AI", "Apple Intelligence",
    ],
    # People whose names alone make a move an AI move (full names where the surname is common).
    "ai_people": [
        "Sam Altman", "=Altman", "Sutskever", "Mira Murati", "=Murati", "Karpathy",
        "Mustafa Suleyman", "=Suleyman", "Hassabis", "LeCun", "Alexandr Wang", "Nat Friedman",
        "Daniel Gross", "Amodei", "Noam Shazeer", "Geoffrey Hinton", "Shengjia Zhao",
        "Ruoming Pang", "Greg Brockman", "John Schulman", "Joelle Pineau",
    ],
    # What AI spending buys: the infrastructure side of Meta's push.
    "ai_infra": [
        "data center*", "data centre*", "datacenter*", "datacentre*", "supercluster*",
        "GPU", "GPUs", "compute", "computing power", "supercomputer*", "Hyperion", "Prometheus",
        "gigawatt*", "=GW", "nuclear", "power plant*", "capex", "capital expenditure*",
        "chip", "chips", "MTIA", "TPU", "TPUs",
    ],
    # Any Llama model or Llama-branded product, by name.
    "llama_models": [
        "Llama 1", "Llama 2", "Llama 3", "Llama 4", "Llama 5", "LLaMA-2", "Llama model*",
        "Llama licen*", "Llama weights", "Code Llama", "Llama Guard", "Llama Stack",
        "Llama API", "Llama app", "LlamaCon", "Llama Scout", "Llama Maverick", "Llama Behemoth",
        "meta-llama",
    ],
    # The Llama ecosystem outside Meta: runtimes, formats, fine-tunes and derivatives.
    "llama_tools": [
        "llama.cpp", "llama-cpp*", "llama_cpp", "llamafile*", "llama-server", "Llama Nemotron",
        "Llama-Nemotron",
    ],
    "llama_derivative": [
        "Nemotron", "llama.cpp", "llamafile*", "fine-tun*", "finetun*", "fine tun*",
        "Ollama", "GGUF", "quantiz*", "quantis*", "derivative*", "based on", "Llama-based",
    ],
    # Words that put "Llama" in a model context.
    "llama_context": [
        "@ai", "model", "models", "open source", "open-source", "weights", "inference",
        "benchmark*", "token*", "parameter*", "fine-tun*", "finetun*", "quantiz*", "GGUF",
        "Hugging Face", "Ollama", "=Meta", "Zuckerberg", "locally", "local", "on-device",
        "GPU", "GPUs", "API", "licen*", "Groq", "Nvidia", "Scout", "Maverick", "Behemoth",
        "release*", "launch*", "training", "trained", "training data", "lawsuit*",
        "copyright*", "Raspberry Pi", "laptop", "CPU", "VRAM", "MLX", "vLLM", "jailbreak*",
        "prompt*", "context window", "/\\d+(?:\\.\\d+)?\\s?[bBmM]\\b/",
    ],
    "llama_code_names": ["Behemoth", "Maverick", "Scout"],
    # Moves of people between employers: verbs that only ever mean a person moving.
    "move": [
        "hire", "hires", "hired", "hiring", "rehire*", "new hire*", "recruit*", "lure",
        "lures", "lured", "luring", "poach*", "snags", "snagged", "nabs", "nabbed", "quits",
        "resigns", "resigned", "resigning", "resignation*", "steps down", "stepping down",
        "step down", "stepped down", "ousted", "ouster", "ousts", "appoints", "appointed",
        "promoted to", "elevated to", "takes the helm", "took the helm", "to helm",
        "takes over as", "took over as", "take over as", "defects", "defected", "defection*",
        "jumps ship", "jump ship", "headhunt*", "to join", "will join", "leaves to",
        "leaves for", "left for", "left to join", "leaving for", "exits for", "exit for",
        "departs for", "plans to leave", "set to leave", "preparing to leave",
        "expected to leave", "is leaving", "are leaving", "to leave", "picks off", "picked off",
        # "Beyer, Kolesnikov and Zhai leave OpenAI for Meta"; "becomes chief executive";
        # "names X interim CEO"
        "/\\b(?:leave|quit)\\s+(?:\\S+\\s+){1,3}?(?:for|to join)\\b(?!\\s+(?:good|now|later|the day|a while))/",
        "/\\bbecomes?\\s+(?:\\S+\\s+){0,3}?(?:CEO|CTO|chief|head|president)\\b/",
        "/\\bnames?\\s+(?:\\S+\\s+){1,4}?(?:as\\s+)?(?:its\\s+)?(?:new\\s+)?(?:interim\\s+)?(?:CEO|CTO|chief|head|president)\\b/",
    ],
    # Verbs that mean a move when a person is named ("Claude joins Copilot" is not one).
    "move_weak": [
        "joins", "joined", "joining", "leaves", "leaving", "exits", "exit", "exiting", "departs",
        "departed", "departing", "departure*", "taps", "tapped", "successor", "head up",
        "at the helm", "helms", "leadership change*", "leadership shake*", "executive shake*",
        "shake-up", "shakeup", "new CEO", "new CTO", "new chief*", "new head", "courted",
        "courting",
    ],
    # Moves that say where someone goes, counted with "to Meta" (`move-to-meta`).
    "move_to": [
        "follow", "follows", "followed", "following", "jumps to", "jumped to", "moving to",
        "moves to", "heads to", "heading to", "headed to", "goes to", "going to", "defect to",
    ],
    "person": [
        "co-founder*", "cofounder*", "co-found*", "founder*", "founding", "=CEO", "=CTO",
        "=COO", "=CPO", "=CSO", "chief", "head", "heads", "researcher*", "scientist*",
        "engineer*", "executive*", "exec", "execs", "president", "=VP", "vice president",
        "director*", "leader*", "boss", "veteran", "staff", "staffer*", "team", "employee*",
        "talent", "former", "ex", "alum*", "architect", "pioneer", "godfather", "officer",
        "@ai_people",
    ],
    # The talent war itself, and what people are paid to move.
    "talent_war": [
        "talent war*", "talent battle*", "talent raid*", "talent race", "talent grab",
        "talent hunt", "talent fight", "talent poach*", "war for talent", "battle for talent",
        "fight for talent", "race for talent", "brain drain", "hiring spree*", "hiring frenzy",
        "hiring blitz", "recruiting spree*", "recruiting frenzy", "recruiting blitz",
        "recruitment drive", "acqui-hire*", "acquihire*", "acqui-hiring", "talent exodus",
        "staff exodus", "executive exodus", "researcher exodus", "co-founder exodus",
        "cofounder exodus", "leadership exodus", "pay package*", "compensation package*",
        "signing bonus*", "sign-on bonus*", "retention bonus*", "nine-figure",
        "billion-dollar offer*", "million-dollar offer*", "job offer*", "pay offer*",
        "poach*",
    ],
    # Lay-offs, and freezes of hiring.
    "layoff": [
        "lay off", "lays off", "laying off", "laid off", "layoff*", "lay-off*", "job cuts",
        "downsiz*", "hiring freeze", "freezes hiring", "freeze hiring", "pauses hiring",
        "paused hiring", "hiring pause", "headcount",
    ],
    # Verbs that are lay-offs when their object is staff.
    "cut": [
        "cuts", "cut", "cutting", "slash*", "fire", "fires", "firing", "fired", "axe",
        "axes", "axed", "axing", "eliminat*", "trims", "trimming",
    ],
    # Who is laid off: AI staff and AI units, never the whole company.
    "ai_staff": [
        "AI roles", "AI jobs", "AI staff*", "AI researchers", "AI engineers", "AI employees",
        "AI positions", "AI talent", "AI unit*", "AI division*", "AI team*", "AI group*",
        "AI lab", "AI labs", "AI department*", "AI arm", "AI org*", "AI research",
        "AI superintelligence", "Superintelligence Lab*", "TBD Lab", "=FAIR",
        "Fundamental AI Research", "AI workforce",
    ],
    "big_tech": [
        "Apple", "Google", "Microsoft", "Amazon", "Nvidia", "Tesla", "@ai_orgs",
    ],
    "to_meta": ["/(?:for|to|joins?|joining|poached by|hired by)\\s+(?-i:Meta)\\b/"],
    # Roles whose moves are not AI moves.
    "non_ai_roles": [
        "design*", "CFO", "chief financial officer", "policy", "marketing", "legal",
        "lawyer", "general counsel", "communications", "comms", "lobbyist", "chief of staff",
        "advertising", "ads chief", "sales", "president",
    ],
    # What a person "joins" that is no job: a hearing, a panel, a chorus of critics.
    "not_a_job": [
        "hearing*", "panel*", "podcast*", "interview*", "summit*", "conference*", "debate*",
        "chorus", "critics", "calls for", "call for", "protest*", "lawsuit*", "coalition*",
        "livestream*", "webinar*", "keynote*",
    ],
    # Job adverts and job-hunting content.
    "job_adverts": [
        "is hiring a", "is hiring an", "is hiring for", "are hiring a", "is hiring:",
        "are hiring:", "we're hiring",
        "we are hiring", "now hiring", "hiring now", "who is hiring", "who's hiring",
        "job opening*", "job posting*", "job listing*", "job board*", "job ad", "job ads",
        "job advert*", "job search*", "job seeker*", "job hunt*", "apply now", "careers page",
        "internship*", "vacanc*", "remote job*", "find jobs", "find a job", "cover letter*",
        "salary range*", "hiring tool*", "hiring algorithm*", "hiring bias", "hiring process*",
        "recruiting tool*", "recruitment tool*", "applicant*", "job interview*",
    ],
    # "AI will take jobs": automation and the labour market, not people moving.
    "automation": [
        "jobless", "unemploy*", "take jobs", "take our jobs", "take your job*",
        "steal jobs", "stealing jobs", "replace jobs", "replace workers", "replacing workers",
        "replace humans", "replacing humans", "replace you", "jobs at risk", "job losses",
        "job loss", "lose their jobs", "automation", "automate*", "white-collar",
        "entry-level jobs", "jobs apocalypse", "jobpocalypse", "future of work",
        "because of AI", "due to AI", "blames AI", "blamed on AI", "replaced by AI",
    ],
}  # fmt: skip


def _topic(data: dict[str, Any]) -> TopicConfig:
    return TopicConfig.model_validate(data)


BUILTIN_TOPICS: dict[str, TopicConfig] = {
    "meta_ai": _topic(
        {
            "description": (
                "Meta's own AI work: Meta AI, Superintelligence Labs / TBD Lab, FAIR, its models "
                "and AI policies, AI spending and infrastructure, the Scale AI deal, Meta AI "
                "people joining or leaving. Meta news without an AI angle is not meta_ai."
            ),
            "ignore": [
                # "meta" as an ordinary word: research methods, web markup, games.
                "meta-analy*", "meta-review*", "meta-learn*", "meta-data", "meta tag*",
                "meta description*", "meta title*", "meta element*", "meta-prompt*",
                "meta-reasoning", "meta-cognit*", "meta-heuristic*", "meta-evaluation*",
                "meta-study", "meta-studies", "meta-research", "meta-science", "off-meta",
                # A game's "meta", in lower case only: "Meta builds", "Meta picks off" and
                # "in the Meta AI app" are the company (they lost their tags).
                "/(?-i:\\bmeta (?:deck|build|loadout|team comp|comp|tier|pick|weapon|strat|game)\\w*)/",
                "/(?-i:\\b(?:current meta|in the meta|the meta is)\\b)/",
                # Not Meta's lab.
                "Safe Superintelligence",
            ],
            "rules": [
                {"name": "meta-ai-name", "any": ["@meta_ai_names"]},
                {
                    "name": "meta-llama",
                    "any": ["@llama_models"],
                    "not": ["@llama_derivative", "@llama_tools"],
                },
                {
                    "name": "meta-and-ai",
                    "all": [
                        "@meta",
                        [
                            "@ai", "@ai_orgs", "@ai_people", "@ai_infra", "Llama", "Behemoth",
                            "=FAIR",
                        ],
                    ],
                    # "the new meta:" of a game or a sport
                    "not": ["/\\b(?:the|a|new|current) meta\\s*(?:[:,.!?]|$)/"],
                },
                {
                    "name": "meta-app-ai",
                    "in": ["title"],
                    "all": ["@meta_apps", "@ai"],
                    # another company's AI reaching into Meta's apps is not Meta's AI work
                    "not": [
                        "Google", "Gemini", "OpenAI", "ChatGPT", "Apple", "Microsoft",
                        "Copilot", "Perplexity", "Anthropic", "=Claude",
                    ],
                },
                {"name": "meta-talent", "requires": ["talent"], "all": ["@meta"]},
                {
                    "name": "meta-llama-story",
                    "requires": ["llama"],
                    "all": ["@meta"],
                    "not": ["@llama_derivative"],
                },
            ],
        }
    ),
    "llama": _topic(
        {
            "description": (
                "Any Llama model (1/2/3.x/4, Scout, Maverick, Behemoth), its licence, approvals "
                "and lawsuits about its training data, llama.cpp, llamafile, Llama fine-tunes and "
                "derivatives. Llamas the animal and people named Llamas are not."
            ),
            "ignore": [
                "llama farm*", "llama ranch*", "llama trek*", "llama wool", "llama fibre",
                "llama fiber", "llama milk", "llama antibod*", "llama nanobod*", "llama drama",
                "llama llama",
            ],
            "rules": [
                {"name": "llama-model", "any": ["@llama_models"]},
                {"name": "llama-tool", "in": ["title", "summary", "feed"], "any": ["@llama_tools"]},
                {"name": "llama-in-context", "all": [["Llama", "LLaMA"], "@llama_context"]},
                {
                    "name": "llama-code-name",
                    "all": ["@llama_code_names", "@meta", ["@ai", "model", "models"]],
                },
                {
                    "name": "llama-training-data",
                    "all": [
                        "@meta",
                        [
                            "LibGen", "pirated", "piracy", "torrent*", "shadow librar*",
                            "copyright*", "fair use", "authors", "Kadrey",
                        ],
                        ["@ai", "train", "trained", "training", "model", "models"],
                        [
                            "sue", "sues", "sued", "suit", "lawsuit*", "court", "judge",
                            "ruling", "rules", "trial", "fair use", "class action", "filing*",
                            "unsealed", "alleg*", "case",
                        ],
                    ],
                },
            ],
        }
    ),
    "talent": _topic(
        {
            "description": (
                "People moving between employers in AI, or recruited or paid to move: hires, "
                "poaching, departures, appointments, pay packages, acqui-hires, lay-offs of AI "
                "staff, at any company. Not job adverts, generic lay-offs, 'AI will take jobs' "
                "stories or non-AI executive moves."
            ),
            "ignore": [
                "taps into", "tap into", "tapped into", "tapping into", "joins forces",
                "join forces", "joined forces", "joining forces", "joins the race",
                "join the race", "joins the fray", "joins the club", "joins the list",
                "joins hands", "join hands", "leaves behind", "left behind", "leave behind",
                "leaves out", "left out", "fires up", "fire up", "under fire", "on fire",
                "fires back", "fire back", "catches fire", "caught fire", "open fire",
                "cuts prices", "cut prices", "price cut*", "rate cut*", "tax cut*",
                "cuts costs", "cut costs", "cost cut*", "cuts ties", "cut ties", "cuts off",
                "cut off", "cut corners", "cutting-edge", "cutting edge", "cuts the cord",
                "power cut*", "exits beta", "exits preview", "exits stealth", "leaves beta",
                "leaves preview", "at the helm of the market", "led by demand",
            ],
            "not": ["@job_adverts", "@automation"],
            "rules": [
                {
                    "name": "talent-war",
                    "all": ["@talent_war", ["@ai", "@ai_orgs", "@ai_people", "@ai_staff"]],
                },
                {
                    # "$100M offers", "$1bn+ pay packages"
                    "name": "talent-money",
                    "all": [
                        ["offer", "offers", "package", "packages", "pay"],
                        "/\\$\\s?\\d[\\d.,]*\\s?(?:m|mn|million|b|bn|billion)\\+?\\s+(?:pay\\s+)?(?:offers?|packages?|pay)\\b/",
                        ["@ai", "@ai_orgs", "@ai_people", "@ai_staff"],
                    ],
                },
                {
                    "name": "talent-exodus",
                    "all": [
                        "exodus",
                        "/exodus of (?:\\w+ ){0,2}(?:researchers|staff|executives|talent|engineers|employees|co-?founders)/",
                        ["@ai", "@ai_orgs", "@ai_people", "@ai_staff"],
                    ],
                },
                {
                    # "Apple loses another AI researcher to Meta"
                    "name": "loses-people-to",
                    "all": [
                        ["loses", "losing", "lost"],
                        "/\\blos(?:es|ing|t)\\b(?:\\s+\\S+){0,4}?\\s+(?:researchers?|scientists?|engineers?|executives?|execs?|heads?|chiefs?|leads?|leaders?|co-?founders?|talent|staff|employees)\\s+to\\b/",
                        ["@ai", "@ai_orgs", "@ai_people", "@ai_staff"],
                    ],
                },
                {
                    "name": "ai-layoffs",
                    "all": [["@layoff", "@cut"], "@ai_staff"],
                    "not": ["funding", "budget*", "grant*", "spending", "prices"],
                },
                {
                    "name": "ai-lab-layoffs",
                    "all": ["@layoff", ["@ai_orgs", "AI startup*", "AI company", "AI firm*"]],
                },
                {
                    # "Nimbus AI lays off 120 researchers": research staff where AI is named
                    "name": "ai-research-layoffs",
                    "all": ["@layoff", ["researchers", "scientists", "research staff"], "@ai"],
                },
                {
                    "name": "ai-move",
                    "all": ["@move", ["@ai", "@ai_orgs", "@ai_people", "@ai_staff"]],
                },
                {
                    "name": "ai-person-move",
                    "all": ["@move_weak", "@person", ["@ai", "@ai_orgs", "@ai_staff"]],
                    "not": ["@not_a_job"],
                },
                {
                    "name": "move-to-meta",
                    "all": [["@move", "@move_weak", "@move_to"], "@to_meta", "@big_tech"],
                    "not": ["@non_ai_roles"],
                },
                {
                    # "Yann LeCun is departing Meta": who moves makes it an AI move (not
                    # "joins": "Altman joins a Senate hearing")
                    "name": "ai-name-leaves",
                    "all": [
                        [
                            "@move", "leaves", "leaving", "exits", "exiting", "departs",
                            "departing", "departure*",
                        ],
                        "@ai_people",
                    ],
                    "not": ["@non_ai_roles"],
                },
                {
                    "name": "acquihire-deal",
                    "all": [
                        "@meta",
                        ["Scale AI"],
                        ["invest*", "stake", "deal", "acqui*", "billion"],
                    ],
                },
            ],
        }
    ),
}  # fmt: skip


def is_tag_name(name: str) -> bool:
    """Whether `name` is valid as a tag: letters, digits, '_', '-' or '.' (not first)."""
    return bool(_TAG_NAME.match(name))


def builtin_tags() -> list[str]:
    return list(BUILTIN_TOPICS)
