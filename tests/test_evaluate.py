"""`monitor eval`: per-tag scores, misses and false alarms, grouping pairs, bad files."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor import evaluate
from monitor.cli import cli
from monitor.config import Settings
from monitor.evaluate import pairwise_score, run, score_grouping

ITEMS = [
    {"id": "a1", "title": "Meta ships Llama 4 Scout", "tags": ["meta_ai", "llama"], "group": "L4"},
    {
        "id": "a2",
        "title": "Llama 4 Scout is out from Meta",
        "tags": ["meta_ai", "llama"],
        "group": "L4",
    },
    {"id": "a3", "title": "OpenAI hires a Google researcher", "tags": ["talent"], "group": None},
    # a miss: labelled talent, but nothing in the text says so
    {"id": "a4", "title": "Quiet week at the big labs", "tags": ["talent"], "group": None},
    # a false alarm for meta_ai (labelled without it on purpose)
    {"id": "a5", "title": "Meta AI gets a voice \x1b]52;c;Zm9v\x07mode", "tags": [], "group": None},
    {"id": "a6", "title": "Llama farm open day", "tags": [], "group": None},
]


def write_items(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n", encoding="utf-8")
    return path


def report(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = run(path, Settings(), out)
    return code, out.getvalue()


def test_report_has_per_tag_scores_micro_totals_and_lists(tmp_path: Path) -> None:
    code, text = report(write_items(tmp_path / "l.jsonl", ITEMS))
    assert code == 0
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line[:1].isalpha()}
    # tag  P  R  F1  TP  FP  FN
    assert lines["llama"] == ["1.000", "1.000", "1.000", "2", "0", "0"]
    assert lines["meta_ai"][3:] == ["2", "1", "0"]
    assert lines["talent"][3:] == ["1", "0", "1"]
    assert lines["micro"][3:] == ["5", "1", "1"]
    assert "Missed talent (1):\n  a4  Quiet week at the big labs" in text
    assert "False meta_ai (1):\n  a5  Meta AI gets a voice mode" in text
    assert "rule meta-ai-name: Meta AI" in text
    assert "\x1b" not in text and "\x07" not in text


def test_bad_files_exit_2_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"title": "ok", "tags": []}\nnot json\n', encoding="utf-8")
    code, text = report(path)
    assert code == 2 and "bad.jsonl:2: not JSON" in text
    path.write_text('{"title": "x", "tags": "meta_ai"}\n', encoding="utf-8")
    code, text = report(path)
    assert code == 2 and "`tags` must be a list" in text
    # Headlines without any label: "1 labelled item" and a table of n/a, exit 0.
    path.write_text('{"id": "a", "title": "x"}\n', encoding="utf-8")
    code, text = report(path)
    assert code == 2 and "no labelled items: give each its `tags`" in text


def test_pairwise_grouping_score() -> None:
    score = pairwise_score(["g", "g", "g", None, "h", "h"], [1, 1, 2, 3, 4, 4])
    # labelled pairs: 3 in g + 1 in h = 4; predicted: (0,1) and (4,5); both right
    assert (score.true_pairs, score.predicted_pairs, score.shared_pairs) == (4, 2, 2)
    assert score.precision == 1.0 and score.recall == 0.5
    assert score.f1 == pytest.approx(2 / 3)


def test_grouping_is_skipped_without_group_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluate, "_group_function", lambda: None)
    assert score_grouping(ITEMS, Settings()) is None


def test_grouping_is_scored_with_group_items(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def fake(items: list[dict[str, Any]], settings: Any) -> list[int]:
        return [1, 1, 2, 3, 4, 5]

    monkeypatch.setattr(evaluate, "_group_function", lambda: fake)
    score = score_grouping(ITEMS, Settings())
    assert score is not None and score.precision == 1.0 and score.recall == 1.0
    _code, text = report(write_items(tmp_path / "l.jsonl", ITEMS))
    assert "Grouping (pairwise): P 1.000  R 1.000" in text


def test_cli_eval(tmp_path: Path) -> None:
    path = write_items(tmp_path / "l.jsonl", ITEMS)
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "--config", str(config), str(path)])
    assert result.exit_code == 0, result.output
    assert "6 labelled items" in result.output and "micro" in result.output
    result = CliRunner().invoke(cli, ["eval", "--config", str(config), str(tmp_path / "no")])
    assert result.exit_code == 2


def test_a_ratio_with_nothing_to_count_is_na_not_perfect(tmp_path: Path) -> None:
    """A tag nobody labelled and no rule gave (0 TP, 0 FP, 0 FN) has no precision or recall:
    1.000 there read as a perfect score."""
    items = [
        {"id": "b1", "title": "Meta ships a new Llama model for phones", "tags": ["llama"]},
        {"id": "b2", "title": "Meta AI gets a voice mode", "tags": []},
    ]
    _code, text = report(write_items(tmp_path / "l.jsonl", items))
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line[:1].isalpha()}
    assert lines["talent"] == ["n/a", "n/a", "n/a", "0", "0", "0"]
    # predicted but never labelled: precision 0, recall undefined, F1 still 0
    assert lines["meta_ai"][:3] == ["0.000", "n/a", "0.000"]
    assert lines["llama"][:3] == ["1.000", "1.000", "1.000"]


def test_grouping_without_pairs_is_na(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    score = pairwise_score(["a", "b", None], [1, 2, 3])
    assert (score.precision, score.recall, score.f1) == (None, None, None)
    score = pairwise_score(["a", "b"], [1, 1])  # one pair predicted, none labelled
    assert (score.precision, score.recall, score.f1) == (0.0, None, 0.0)

    def apart(items: list[dict[str, Any]], settings: Any) -> list[int]:
        return list(range(len(items)))

    monkeypatch.setattr(evaluate, "_group_function", lambda: apart)
    alone = [dict(item, group=None) for item in ITEMS]
    _code, text = report(write_items(tmp_path / "l.jsonl", alone))
    assert "Grouping (pairwise): P n/a  R n/a  F1 n/a  (0 of 0 labelled pairs" in text


def test_grouping_is_na_when_no_item_has_a_group_key(tmp_path: Path) -> None:
    """It printed "P 0.000  R n/a  F1 0.000" for a file labelled for tags only."""
    items = [{k: v for k, v in item.items() if k != "group"} for item in ITEMS]
    _code, text = report(write_items(tmp_path / "l.jsonl", items))
    assert 'Grouping: n/a (no item has a "group" key)' in text
    assert "Grouping (pairwise)" not in text


def test_an_empty_group_label_means_alone() -> None:
    """ "" for a story alone paired every such story with every other: a labelled set written
    that way showed a grouping recall of 0.02."""
    score = pairwise_score(["g", "g", "", " ", ""], [1, 1, 2, 3, 4])
    assert (score.true_pairs, score.predicted_pairs, score.shared_pairs) == (1, 1, 1)


def test_pairs_lists_what_grouping_got_wrong(tmp_path: Path) -> None:
    items = [
        {"id": "p1", "title": "Meta hires Orbit Labs founder Dana Okafor", "group": "okafor"},
        {
            "id": "p2",
            "title": "Quarterly results at a regional bank beat forecasts",
            "group": "okafor",
        },
        {
            "id": "p3",
            "title": "Meta hires Orbit Labs founder Dana Okafor, report says",
            "group": "x",
        },
    ]
    path = write_items(tmp_path / "p.jsonl", items)
    result = CliRunner().invoke(cli, ["eval", "--pairs", str(path)])
    assert result.exit_code == 0
    text = result.stdout
    assert (
        "One event, grouped apart (1):\n  p1  Meta hires Orbit Labs founder Dana Okafor\n  p2"
        in text
    )
    assert "Two events, grouped together (1):\n  p1" in text and "  p3  Meta hires" in text
    missed, wrong = evaluate.pair_differences(["a", "a", None], [1, 2, 2])
    assert (missed, wrong) == ([(0, 1)], [(1, 2)])
