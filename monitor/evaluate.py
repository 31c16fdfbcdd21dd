"""`monitor eval FILE.jsonl`: score the topic rules (and grouping) against hand-labelled items.

Each line of the file is one JSON object with `title`, `summary`, `source`, `published`, `url`,
`tags` (the right tags) and `group` (a same-event label; null or "" for a story alone); `id` names the item in the
report (default: its line number). For every tag the report gives precision, recall and F1, the
micro-averaged totals, and lists the misses and false alarms (with the rule that fired), so a
user tuning their own topics sees exactly what each change does. A ratio with nothing to count
(precision of a tag never predicted, recall of a tag never labelled) is None, shown as `n/a`:
1.000 there read as a perfect score.

Grouping is scored pairwise (two items are a pair when they share a group) if
`monitor.grouping` provides `group_items(items, settings) -> list[int]`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any, TextIO

from monitor.config import Settings
from monitor.tagging import FEED_RULE, Tagger, TagHit
from monitor.textclean import clean_line
from monitor.wording import plural

EXIT_OK = 0
EXIT_BAD_FILE = 2


class EvalFileError(Exception):
    """The labelled file is unreadable or malformed; the message names file and line."""


@dataclass
class TagScore:
    tag: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[tuple[str, TagHit]] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _f1(self.tp, self.fp, self.fn)


@dataclass(frozen=True)
class GroupingScore:
    """Pairwise agreement of predicted groups with the labelled ones."""

    precision: float | None
    recall: float | None
    f1: float | None
    true_pairs: int
    predicted_pairs: int
    shared_pairs: int


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _f1(tp: int, fp: int, fn: int) -> float | None:
    """The harmonic mean of precision and recall, from the counts: also defined (0) when only
    one of the two is, e.g. a tag never labelled that the rules gave to some items."""
    return _ratio(2 * tp, 2 * tp + fp + fn)


def load_items(path: Path) -> list[dict[str, Any]]:
    """Read the labelled JSONL file; raises EvalFileError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EvalFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise EvalFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
    items: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise EvalFileError(f"{path}:{number}: not JSON ({exc})") from None
        if not isinstance(item, dict):
            raise EvalFileError(f"{path}:{number}: expected an object")
        tags = item.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise EvalFileError(f"{path}:{number}: `tags` must be a list of strings")
        item.setdefault("id", f"line {number}")
        items.append(item)
    if not items:
        raise EvalFileError(f"{path}: no labelled items (expected one JSON object per line)")
    if not any("tags" in item or "group" in item for item in items):
        raise EvalFileError(
            f"{path}: no labelled items: give each its `tags` (a list, [] for none) or its "
            "`group` (the same value for the items of one event)"
        )
    return items


def predict(items: list[dict[str, Any]], tagger: Tagger) -> list[dict[str, TagHit]]:
    """The tags the rules give each item (feed tags excluded: the items have no feed)."""
    out = []
    for item in items:
        hits = tagger.tag(
            title=str(item.get("title") or ""),
            summary=str(item.get("summary") or ""),
            content=str(item.get("content") or ""),
            feed=str(item.get("source") or ""),
        )
        out.append({hit.tag: hit for hit in hits if hit.rule != FEED_RULE})
    return out


def score_tags(
    items: list[dict[str, Any]], predicted: list[dict[str, TagHit]], tags: list[str]
) -> dict[str, TagScore]:
    scores = {tag: TagScore(tag) for tag in tags}
    for item, hits in zip(items, predicted, strict=True):
        truth = set(item.get("tags") or [])
        for tag, score in scores.items():
            if tag in truth and tag in hits:
                score.tp += 1
            elif tag in truth:
                score.fn += 1
                score.misses.append(str(item["id"]))
            elif tag in hits:
                score.fp += 1
                score.false_alarms.append((str(item["id"]), hits[tag]))
    return scores


def _pairs(labels: list[Any]) -> set[tuple[int, int]]:
    members: dict[Any, list[int]] = {}
    for index, label in enumerate(labels):
        if label is not None and not (isinstance(label, str) and not label.strip()):
            members.setdefault(label, []).append(index)  # "" is alone, like null
    return {pair for group in members.values() for pair in combinations(group, 2)}


def pairwise_score(truth: list[Any], predicted: list[Any]) -> GroupingScore:
    """Pairwise precision/recall of `predicted` group labels against `truth` (None = alone)."""
    true_pairs, predicted_pairs = _pairs(truth), _pairs(predicted)
    shared = len(true_pairs & predicted_pairs)
    missed, extra = len(true_pairs) - shared, len(predicted_pairs) - shared
    return GroupingScore(
        _ratio(shared, len(predicted_pairs)),
        _ratio(shared, len(true_pairs)),
        _f1(shared, extra, missed),
        len(true_pairs),
        len(predicted_pairs),
        shared,
    )


def _group_function() -> Callable[..., list[int]] | None:
    try:
        from monitor import grouping
    except ImportError:
        return None
    function = getattr(grouping, "group_items", None)
    return function if callable(function) else None


def _predicted_groups(items: list[dict[str, Any]], settings: Settings) -> list[int] | None:
    group_items = _group_function()
    if group_items is None:
        return None
    predicted = group_items(items, settings.grouping)
    return list(predicted) if len(predicted) == len(items) else None


def score_grouping(items: list[dict[str, Any]], settings: Settings) -> GroupingScore | None:
    """Pairwise score of story grouping on the labelled items, or None if grouping cannot say."""
    predicted = _predicted_groups(items, settings)
    if predicted is None:
        return None
    return pairwise_score([item.get("group") for item in items], predicted)


PAIRS_SHOWN = 40  # per list, with --pairs


def pair_differences(
    truth: list[Any], predicted: list[Any]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(missed, wrong): index pairs labelled one event but grouped apart, and pairs grouped
    together that are labelled as two."""
    true_pairs, predicted_pairs = _pairs(truth), _pairs(predicted)
    return sorted(true_pairs - predicted_pairs), sorted(predicted_pairs - true_pairs)


def _title(item: dict[str, Any], width: int = 90) -> str:
    title = clean_line(str(item.get("title") or "")) or "(no title)"
    return title if len(title) <= width else title[: width - 1] + "…"


def run(
    path: Path,
    settings: Settings,
    out: TextIO,
    err: TextIO | None = None,
    *,
    show_pairs: bool = False,
) -> int:
    """Print the evaluation report for the labelled file at `path` to `out` (a bad file: one
    line to `err`, default `out`); returns the exit code. `show_pairs` also lists the pairs
    grouping got wrong, for tuning `grouping:` settings."""
    try:
        items = load_items(path)
    except EvalFileError as exc:
        (err or out).write(f"monitor: {clean_line(str(exc))}\n")
        return EXIT_BAD_FILE
    tagger = Tagger(settings.topics)
    predicted = predict(items, tagger)
    labelled = sorted({tag for item in items for tag in item.get("tags") or []})
    tags = [
        *[t for t in tagger.tags if t in labelled],
        *[t for t in labelled if t not in tagger.tags],
    ]
    tags += [t for t in tagger.tags if t not in tags]
    scores = score_tags(items, predicted, tags)
    by_id = {str(item["id"]): item for item in items}

    write = out.write
    write(f"{plural(len(items), 'labelled item')} in {clean_line(str(path))}\n\n")
    write(f"{'tag':<16}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>5}{'FN':>5}\n")
    total = TagScore("micro")
    for tag in tags:
        score = scores[tag]
        total.tp, total.fp, total.fn = total.tp + score.tp, total.fp + score.fp, total.fn + score.fn
        note = "" if tag in tagger.tags else "  (no rules for this tag)"
        write(_row(clean_line(tag), score) + note + "\n")
    write(_row("micro", total) + "\n")

    for tag in tags:
        score = scores[tag]
        if score.misses:
            write(f"\nMissed {clean_line(tag)} ({len(score.misses)}):\n")
            for item_id in score.misses:
                write(f"  {clean_line(item_id)}  {_title(by_id[item_id])}\n")
        if score.false_alarms:
            write(f"\nFalse {clean_line(tag)} ({len(score.false_alarms)}):\n")
            for item_id, hit in score.false_alarms:
                why = ", ".join(clean_line(word) for word in hit.matched)
                write(f"  {clean_line(item_id)}  {_title(by_id[item_id])}\n")
                write(f"      rule {clean_line(hit.rule)}: {why}\n")

    labelled_groups = any("group" in item for item in items)
    predicted_groups = _predicted_groups(items, settings) if labelled_groups else None
    truth = [item.get("group") for item in items]
    grouping = pairwise_score(truth, predicted_groups) if predicted_groups is not None else None
    if not labelled_groups:
        write('\nGrouping: n/a (no item has a "group" key)\n')
    elif grouping is None:
        write("\nGrouping: not available (monitor.grouping has no group_items).\n")
    else:
        write(
            f"\nGrouping (pairwise): P {_shown(grouping.precision)}  R {_shown(grouping.recall)}  "
            f"F1 {_shown(grouping.f1)}  ({grouping.shared_pairs} of {grouping.true_pairs} labelled "
            f"pairs found, {grouping.predicted_pairs} predicted)\n"
        )
        if show_pairs and predicted_groups is not None:
            missed, wrong = pair_differences(truth, predicted_groups)
            for heading, pairs in (
                ("One event, grouped apart", missed),
                ("Two events, grouped together", wrong),
            ):
                if pairs:
                    write(f"\n{heading} ({len(pairs)}):\n")
                for a, b in pairs[:PAIRS_SHOWN]:
                    for index in (a, b):
                        item = items[index]
                        write(f"  {clean_line(str(item['id']))}  {_title(item)}\n")
                    write("\n")
                if len(pairs) > PAIRS_SHOWN:
                    write(f"  … and {len(pairs) - PAIRS_SHOWN} more\n")
    return EXIT_OK


def _shown(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.3f}"


def _row(name: str, score: TagScore) -> str:
    return (
        f"{name:<16}{_shown(score.precision):>7}{_shown(score.recall):>7}{_shown(score.f1):>7}"
        f"{score.tp:>6}{score.fp:>5}{score.fn:>5}"
    )
