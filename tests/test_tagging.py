"""Topic tagging: the built-in topics on traps and hard cases, the matcher, and the database side.

Every headline here is our own wording, written to exercise one meaning of a word.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import tagging
from monitor.cli import cli
from monitor.db import connect, write
from monitor.tagging import (
    FEED_RULE,
    Tagger,
    compile_term,
    normalise,
    retag_all,
    tag_stories,
    tokens_of,
)
from monitor.topics import TopicsConfig

TAGGER = Tagger(TopicsConfig())


def tags(title: str, summary: str = "", **fields: str) -> set[str]:
    return {hit.tag for hit in TAGGER.tag(title=title, summary=summary, **fields)}


# ---------------------------------------------------------------------------------------------
# Traps: words that look like the beat but are not


@pytest.mark.parametrize(
    "title",
    [
        # meta-analysis, metadata, Metaculus, the metaverse, "meta" in games
        "A meta-analysis of 40 trials finds AI tutors help weaker pupils a little",
        "Meta-Analysis: Machine Learning Models Predict Sepsis No Better Than Nurses",
        "Meta-learning lets small language models adapt with five examples",
        "Photo metadata quietly reveals where AI art generators were trained",
        "Metaculus forecasters push their AGI date back by two years",
        "Meta's metaverse division posts another multibillion loss",
        "Meta shows off a new Quest headset with sharper lenses",
        "The New Meta: How Chess Engines Rewrote the Opening Book",
        "Five AI-built decks that dominate the current meta",
        "Best meta loadouts after the AI-director patch",
        # Meta news without an AI angle
        "Instagram adds a repost button and a map of friends",
        "Meta loses bid to pause the FTC antitrust case",
        "WhatsApp fixes a flaw that let strangers see profile photos",
        "Meta fined by EU regulators over pay-or-consent ads",
    ],
)
def test_meta_traps_are_not_meta_ai(title: str) -> None:
    assert "meta_ai" not in tags(title)


@pytest.mark.parametrize(
    "title",
    [
        "Llama farm opens to visitors for the spring shearing",
        "Antibodies from a llama could block the common cold, lab finds",
        "What llamas can teach us about altitude sickness",
        "Tom Llamas takes over the evening news desk",
        "Anchor Tom Llamas questions the senator on tariffs",
        "A llama called Kevin wins best in show",
        "Ollama now runs Qwen and Mistral models on Windows",
        "Ollama adds structured outputs and a new GGUF loader",
        "Alpacas versus llamas: which makes the better guard animal?",
    ],
)
def test_llama_traps_are_not_llama(title: str) -> None:
    assert "llama" not in tags(title)
    assert "meta_ai" not in tags(title)


@pytest.mark.parametrize(
    "title",
    [
        "Tiny Robotics (YC S25) is hiring a founding AI engineer",
        "We're hiring: senior machine learning engineer, remote",
        "Show HN: an AI agent that finds jobs for you and writes the cover letter",
        "AI will take half of entry-level jobs, bank chief predicts",
        "Bank boss says AI could leave a third of staff jobless",
        "Tech lay-offs hit 150,000 this year as firms tighten budgets",
        "Retailer to cut 2,000 jobs as sales slump",
        "Amazon cuts 14,000 office jobs as it leans on automation",
        "AI hiring tools face scrutiny over bias against older applicants",
        "Carmaker names a new chief financial officer",
        "Meta's head of global affairs steps down",
        "Apple's design chief leaves for Meta",
        "Anthropic's Claude joins Microsoft's office suite",
        "Google joins forces with a utility to power AI data centers",
        "OpenAI fires back at critics of its nonprofit plan",
        "Cutting-edge AI research gets a new home in Paris",
        "Orbit Labs is hiring: Research Engineer, Interpretability",
        "Leave your AI chatbot for good, a columnist argues",
        "Police raid an AI start-up's offices",
        "A new open model becomes the most downloaded on Hugging Face",
        "Sam Altman joins a Senate hearing on AI safety",
        "Retailer lays off 200 engineers as it bets on AI",
        "Bank lays off researchers in its economics unit",
        "Lab researcher joins chorus of critics of AI hype",
        "Famous AI scientist joins panel on open models at a summit",
    ],
)
def test_talent_traps_are_not_talent(title: str) -> None:
    assert "talent" not in tags(title)


# ---------------------------------------------------------------------------------------------
# Hard positives


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("Pang leaves Apple for Meta", "", {"talent", "meta_ai"}),
        ("Nimbus AI lays off 120 researchers as compute costs bite", "", {"talent"}),
        ("Superintelligence Labs splits into four teams", "", {"meta_ai"}),
        ("Zuckerberg reshuffles Superintelligence Labs again", "", {"meta_ai"}),
        ("llama.cpp gets a Vulkan backend", "", {"llama"}),
        ("Running llamafile on an old laptop", "", {"llama"}),
        ("Nvidia's Llama Nemotron tops an open reasoning leaderboard", "", {"llama"}),
        ("Meta ships Llama 4 Scout and Maverick", "", {"llama", "meta_ai"}),
        ("A fine-tune of Llama 3.3 beats bigger models at SQL", "", {"llama"}),
        ("Meta delays its Behemoth model", "", {"llama", "meta_ai"}),
        (
            "Judge rules Meta's use of pirated books to train AI was fair use",
            "",
            {"llama", "meta_ai"},
        ),
        ("Meta signs nuclear power deal for its data centers", "", {"meta_ai"}),
        ("Meta's AI app adds a feed of generated videos", "", {"meta_ai"}),
        ("Meta hires OpenAI researchers for its new lab", "", {"meta_ai", "talent"}),
        ("Meta cuts 600 roles in its AI unit", "", {"meta_ai", "talent"}),
        ("Microsoft poaches two dozen DeepMind engineers", "", {"talent"}),
        ("xAI co-founder departs to start a venture fund", "", {"talent"}),
        ("Apple's head of AI models exits", "The executive is joining a rival.", {"talent"}),
        ("OpenAI offers $1.5M pay packages to keep its researchers", "", {"talent"}),
        ("Scale AI lays off 14% of its staff", "", {"talent"}),
        # The company, not a game's "meta": the ignore list blanked "Meta builds/picks/comp…"
        ("Meta builds a gigawatt AI campus in Texas", "", {"meta_ai"}),
        ("Meta picks off three OpenAI researchers", "", {"meta_ai", "talent"}),
        ("Meta completes its purchase of an AI chip start-up", "", {"meta_ai"}),
        ("Vector bots roll out in the Meta AI app", "", {"meta_ai"}),
        # Moves worded without the usual verbs
        ("Quill, Ren and Oduya leave OpenAI for Anthropic", "", {"talent"}),
        ("Scale AI names its strategy chief interim CEO", "", {"talent"}),
        ("Two more Apple model researchers follow their boss to Meta", "", {"talent", "meta_ai"}),
        ("Yann LeCun is departing Meta", "", {"talent", "meta_ai"}),
        ("Chief scientist exiting xAI after a year", "", {"talent"}),
        ("Zuck's new data centre will be nearly the size of a city", "", {"meta_ai"}),
    ],
)
def test_hard_positives(title: str, summary: str, expected: set[str]) -> None:
    assert tags(title, summary) == expected


def test_ai_staff_layoffs_are_talent_but_generic_ones_are_not() -> None:
    assert "talent" in tags("Lab lays off 200 AI researchers after a reorganisation")
    assert "talent" not in tags("Lab lays off 200 warehouse staff after a reorganisation")


# ---------------------------------------------------------------------------------------------
# Why: rule and matched words


def test_each_tag_records_its_rule_and_the_words_that_matched() -> None:
    hits = {hit.tag: hit for hit in TAGGER.tag(title="Pang leaves Apple for Meta")}
    assert hits["talent"].rule == "move-to-meta"
    assert {"leaves", "Apple"} <= set(hits["talent"].matched)
    assert hits["meta_ai"].rule == "meta-talent"
    assert hits["meta_ai"].matched[0] == "tag:talent"
    (hit,) = TAGGER.tag(title="Why llama.cpp beats the rest on old GPUs")
    assert (hit.tag, hit.rule, hit.matched) == ("llama", "llama-tool", ("llama.cpp",))


def test_matched_words_are_as_written_in_the_story() -> None:
    (hit,) = TAGGER.tag(title="META SUPERINTELLIGENCE LABS HIRES AGAIN")[1:]
    assert hit.tag == "meta_ai" and "META SUPERINTELLIGENCE" in hit.matched


def test_names_written_against_chinese_or_japanese_text_are_tagged() -> None:
    """ "Meta发布Llama新模型" had no tag: the whole line was one word to the rules."""
    assert "llama" in tags("Meta发布Llama新模型")
    assert "llama" in tags("Metaが新しいLlamaモデルを発表")


def test_feed_tags_are_tags_with_rule_feed() -> None:
    hits = TAGGER.tag(title="Quiet day", feed="Desk", feed_tags=["press", "official"])
    assert [(h.tag, h.rule, h.matched) for h in hits] == [
        ("press", FEED_RULE, ("Desk",)),
        ("official", FEED_RULE, ("Desk",)),
    ]


def test_llama_cpp_releases_feed_tags_every_release() -> None:
    hits = TAGGER.tag(title="b5120", summary="Fix a crash on exit.", feed="llama.cpp releases")
    assert [(h.tag, h.rule) for h in hits] == [("llama", "llama-tool")]


def test_a_topic_rule_wins_over_a_feed_tag_of_the_same_name() -> None:
    hits = TAGGER.tag(title="Llama 4 weights leak", feed="Desk", feed_tags=["llama"])
    assert [(h.tag, h.rule) for h in hits if h.tag == "llama"] == [("llama", "llama-model")]


# ---------------------------------------------------------------------------------------------
# The matcher and the normaliser (property-based)


@pytest.mark.parametrize(
    ("term", "text", "hit"),
    [
        ("Llama 4", "Llama-4 Scout", True),
        ("Llama 4", "llama4", True),
        ("Llama 4", "Llama 40", False),
        ("Llama 3", "Llama 3.1 405B", True),
        ("llama", "Ollama", False),
        ("llama", "Llamas", False),
        ("llama", "llama3", True),
        ("poach*", "poaching", True),
        ("poach*", "spoached", False),
        ("=Meta", "meta", False),
        ("=Meta", "Meta's", True),
        ("Meta AI", "Meta\u00a0AI", True),
        ("Meta AI", "MetaAI", False),
        ("llama.cpp", "LLAMA.CPP", True),
        ("llama.cpp", "llama cpp", False),
        ("acqui-hire*", "acqui hires", True),
        ("/\\bsupercluster\\b/", "a Supercluster", True),
        ("=/\\bSSI\\b/", "ssi", False),
        # Words next to Chinese or Japanese characters, which are written without spaces
        ("Meta", "Meta发布Llama新模型", True),
        ("llama", "Metaが新しいLlamaモデルを発表", True),
        ("超级智能", "Meta超级智能实验室", True),
        ("Llama新模型", "Meta发布Llama新模型", True),
        ("Meta AI", "Meta发布AI", False),
    ],
)
def test_term_matching(term: str, text: str, hit: bool) -> None:
    compiled = compile_term(term)
    assert bool(compiled.pattern.search(normalise(text))) is hit


ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzAMLIS0123456789 -_.'’–\u00ad\u200bİıßéÉΣσςﬁＡ\n发布新が")
)
TEXTS = st.text(ALPHABET, max_size=60)
WORDS = st.text(st.sampled_from(list("amlisé")), min_size=1, max_size=5)
TERMS = st.one_of(
    st.sampled_from(
        [
            "Meta",
            "=Meta",
            "llama",
            "Llama 4",
            "llama.cpp",
            "meta-analy*",
            "ai",
            "发布",
            "a新",
            "新 a",
        ]
    ),
    st.builds(lambda a, b: f"{a} {b}", WORDS, WORDS),
    st.builds(lambda a: f"{a}lm*", WORDS),
    WORDS,
    st.builds(lambda a: "=" + a.upper(), WORDS),
)


@given(TEXTS)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(TEXTS, TERMS)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_the_prefilter_never_hides_a_match(text: str, term: str) -> None:
    """With or without the token/anchor shortcuts, a term matches the same texts."""
    config = TopicsConfig.model_validate(
        {"builtin": False, "tags": {"t": {"rules": [{"any": [term]}]}}}
    )
    compiled = compile_term(term)
    expected = compiled.pattern.search(normalise(text)) is not None
    assert (Tagger(config).tag(title=text) != []) is expected


@given(WORDS, TEXTS, TEXTS)
def test_a_phrase_matches_itself_between_separators(word: str, before: str, after: str) -> None:
    term = compile_term(word)
    assert term.pattern.search(normalise(f"{before} {word} {after}"))
    assert term.pattern.search(normalise(f"{before}({word.upper()}){after}"))


@given(WORDS, st.sampled_from(list("bcdxyz")))
def test_a_phrase_never_matches_inside_a_longer_word(word: str, letter: str) -> None:
    term = compile_term(word)
    assert not term.pattern.search(f"x {letter}{word} x")
    assert not term.pattern.search(f"x {word}{letter} x")


@given(TEXTS)
def test_tokens_are_lower_case_runs(text: str) -> None:
    for token in tokens_of(text):
        assert token.isdigit() or token.isalpha()
        assert token == token.lower()


# ---------------------------------------------------------------------------------------------
# Database: ingest, retag, groups


@pytest.fixture
def conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(db_path)
    yield connection
    connection.close()


def add_story(conn: sqlite3.Connection, feed_id: int, title: str, group: int | None = None) -> int:
    cursor = conn.execute(
        "INSERT INTO stories (feed_id, url, title, summary, first_seen, content_hash, group_id) "
        "VALUES (?, ?, ?, '', '2025-07-01T00:00:00+00:00', ?, ?)",
        (feed_id, f"https://n.example/{title}", title, title, group),
    )
    story_id = int(cursor.lastrowid or 0)
    conn.execute(
        "INSERT INTO story_sources (feed_id, key, story_id, first_seen) VALUES (?, ?, ?, '')",
        (feed_id, title, story_id),
    )
    return story_id


def add_feed(conn: sqlite3.Connection, name: str, tags: list[str]) -> int:
    cursor = conn.execute(
        "INSERT INTO feeds (config_url, url, title, tags) VALUES (?, ?, ?, ?)",
        (f"https://{name}.example/feed", f"https://{name}.example/feed", name, json.dumps(tags)),
    )
    return int(cursor.lastrowid or 0)


def story_tags(conn: sqlite3.Connection, story_id: int) -> dict[str, tuple[str, list[str]]]:
    return {
        row[0]: (row[1], json.loads(row[2]))
        for row in conn.execute(
            "SELECT tag, rule, matched FROM story_tags WHERE story_id = ?", (story_id,)
        )
    }


def test_tag_stories_writes_reasons_inside_the_callers_transaction(
    conn: sqlite3.Connection,
) -> None:
    with write(conn):
        feed = add_feed(conn, "desk", ["press"])
        story = add_story(conn, feed, "Meta hires a Google DeepMind researcher")
    conn.execute("BEGIN IMMEDIATE")
    written = tag_stories(conn, [story], TAGGER)
    assert conn.in_transaction  # not committed by tag_stories
    conn.execute("ROLLBACK")
    assert written == 3
    assert story_tags(conn, story) == {}
    with write(conn):
        tag_stories(conn, [story], TAGGER)
    found = story_tags(conn, story)
    assert set(found) == {"press", "talent", "meta_ai"}
    assert found["press"] == ("feed", ["desk"])
    assert found["talent"][0] == "ai-move" and "hires" in found["talent"][1]


def test_tag_stories_replaces_old_tags_and_uses_every_feed_a_story_was_seen_in(
    conn: sqlite3.Connection,
) -> None:
    with write(conn):
        first = add_feed(conn, "first", ["press"])
        second = add_feed(conn, "second", ["official"])
        story = add_story(conn, first, "Llama 4 Maverick benchmark row")
        conn.execute(
            "INSERT INTO story_sources (feed_id, key, story_id, first_seen) VALUES (?, 'k', ?, '')",
            (second, story),
        )
        conn.execute(
            "INSERT INTO story_tags (story_id, tag, rule) VALUES (?, 'stale', 'old')", (story,)
        )
        tag_stories(conn, [story], TAGGER)
    found = story_tags(conn, story)
    assert set(found) == {"press", "official", "llama", "meta_ai"}
    # Each feed tag names the feed that gives it (it named the story's first feed for both).
    assert found["press"] == ("feed", ["first"]) and found["official"] == ("feed", ["second"])
    assert tag_stories(conn, [], TAGGER) == 0


def test_retag_all_applies_new_rules_and_refreshes_group_tags(conn: sqlite3.Connection) -> None:
    with write(conn):
        feed = add_feed(conn, "desk", [])
        conn.execute(
            "INSERT INTO groups (id, title, first_seen, last_seen) VALUES (1, 'g', '', '')"
        )
        conn.execute(
            "INSERT INTO groups (id, title, first_seen, last_seen) VALUES (2, 'h', '', '')"
        )
        a = add_story(conn, feed, "Meta delays its Behemoth model", group=1)
        b = add_story(conn, feed, "A humanoid robot learns to cook", group=1)
        add_story(conn, feed, "Weather: rain all week", group=2)
    assert retag_all(conn, TAGGER) == 3
    assert set(story_tags(conn, a)) == {"llama", "meta_ai"} and story_tags(conn, b) == {}
    groups = dict(conn.execute("SELECT id, tags FROM groups").fetchall())
    assert json.loads(groups[1]) == ["llama", "meta_ai"] and json.loads(groups[2]) == []

    robots = TopicsConfig.model_validate(
        {"tags": {"robots": {"rules": [{"name": "bots", "any": ["humanoid robot*"]}]}}}
    )
    assert retag_all(conn, Tagger(robots)) == 3
    assert story_tags(conn, b) == {"robots": ("bots", ["humanoid robot"])}
    groups = dict(conn.execute("SELECT id, tags FROM groups").fetchall())
    assert json.loads(groups[1]) == ["llama", "meta_ai", "robots"]
    assert not conn.in_transaction


def test_retag_all_is_one_transaction(conn: sqlite3.Connection) -> None:
    with write(conn):
        feed = add_feed(conn, "desk", [])
        add_story(conn, feed, "Meta AI gets a voice")

    class Broken(Tagger):
        def tag(self, **story: object) -> list:  # type: ignore[override]
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        retag_all(conn, Broken(TopicsConfig()))
    assert not conn.in_transaction
    assert conn.execute("SELECT COUNT(*) FROM story_tags").fetchone()[0] == 0


def test_retag_all_in_worker_processes_gives_the_serial_result(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    titles = [
        "Meta hires a Google DeepMind researcher",
        "Llama 4 Maverick benchmark row",
        "A llama farm opens to visitors",
        "Weather: rain all week",
    ]
    with write(conn):
        feed = add_feed(conn, "desk", ["press"])
        other = add_feed(conn, "other", ["official"])
        for n in range(60):
            story = add_story(conn, feed, f"{titles[n % len(titles)]} {n}")
            if n % 7 == 0:
                conn.execute(
                    "INSERT INTO story_sources (feed_id, key, story_id, first_seen) "
                    "VALUES (?, ?, ?, '')",
                    (other, f"k{n}", story),
                )
    query = "SELECT story_id, tag, rule, matched FROM story_tags ORDER BY story_id, tag"
    assert retag_all(conn, TAGGER, workers=1) == 60
    serial = conn.execute(query).fetchall()
    monkeypatch.setattr(tagging, "PARALLEL_RETAG_MIN", 0)
    monkeypatch.setattr(tagging, "BATCH", 7)
    assert retag_all(conn, TAGGER, workers=2) == 60
    assert [tuple(r) for r in conn.execute(query).fetchall()] == [tuple(r) for r in serial]
    assert len(serial) > 60 and not conn.in_transaction


# ---------------------------------------------------------------------------------------------
# CLI: retag, export --tag


def test_cli_retag_and_export_by_tag(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "feeds: []\ntopics:\n  tags:\n    robots:\n      rules:\n        - any: [robot*]\n",
        encoding="utf-8",
    )
    db = tmp_path / "m.db"
    conn = connect(db)
    with write(conn):
        feed = add_feed(conn, "desk", ["press"])
        add_story(conn, feed, "Llama 4 Scout runs on one GPU")
        add_story(conn, feed, "A robot vacuum with an arm")
        add_story(conn, feed, "Bake sale raises \x1b[31mfunds")
    conn.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["retag", "--config", str(config), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert re.match(r"Retagged 3 stories in \d+\.\d s\.", result.output)

    result = runner.invoke(
        cli, ["export", "--config", str(config), "--db", str(db), "--tag", "llama"]
    )
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["title"] for r in records] == ["Llama 4 Scout runs on one GPU"]
    assert records[0]["tags"] == ["llama", "meta_ai", "press"]
    reasons = records[0]["tag_reasons"]
    assert set(reasons) == {"llama", "meta_ai", "press"} and reasons["press"]["rule"] == "feed"
    assert "Llama 4" in " ".join(reasons["llama"]["matched"])
    result = runner.invoke(
        cli, ["export", "--config", str(config), "--db", str(db), "--tag", "robots"]
    )
    assert [json.loads(line)["title"] for line in result.output.splitlines()] == [
        "A robot vacuum with an arm"
    ]


def test_cli_retag_with_a_bad_rule_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "topics:\n  tags:\n    robots:\n      rules:\n        - name: arms\n          any: ['/(/']\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["retag", "--config", str(config), "--db", str(tmp_path / "x.db")]
    )
    assert result.exit_code == 2
    assert "topics.tags.robots.rules[0]" in result.stderr and "arms" in result.stderr
    assert not (tmp_path / "x.db").exists()
