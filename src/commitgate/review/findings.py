"""Findings: read from the model's answer, checked against the change.

A finding survives only if it names a file of the change and a line of that
file; it may block only if that line is one the change touched. What is
dropped is counted, with the reason, so that the report can say so.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from commitgate.git.change import ChangedFile
from commitgate.model.session import UnusableAnswer
from commitgate.review.prompt import CATEGORIES, prompt_path
from commitgate.severity import Severity


@dataclasses.dataclass(frozen=True)
class Finding:
    path: str
    line: int
    severity: Severity
    title: str
    message: str
    end_line: int | None = None
    category: str = "other"
    suggestion: str | None = None
    confidence: float | None = None
    # Set by the checks that follow the model's answer:
    held: str = ""  # why this finding may not block the commit, if it may not
    blocking: bool = False  # set by the gate
    model: str = ""  # the model that reported it
    verified_by: str = ""  # the model that confirmed it, when one did (verify.py)
    cached: bool = False
    fingerprint: str = ""  # survives the code moving: see fingerprint()
    # The line the model cited, when the finding was moved to the changed
    # line beside it (see nearby_change).
    moved_from: int | None = None
    passes: int = 0  # with several review passes: how many reported it (passes.py)

    def replace(self, **changes: Any) -> Finding:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["severity"] = self.severity.label
        return d


_FENCED = re.compile(r"^```(?:json)?\s*\n(.*)\n```\s*$", re.DOTALL)


def parse_answer(text: str) -> list[Any]:
    """The raw findings of an answer. Only unambiguous repairs are made: a
    Markdown code fence around the JSON, and a bare list of findings."""
    text = text.strip()
    if not text:
        raise UnusableAnswer("the answer is empty")
    m = _FENCED.match(text)
    if m:
        text = m.group(1).strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise UnusableAnswer(f"the answer is not JSON ({e.msg} at char {e.pos})") from None
    except RecursionError:
        raise UnusableAnswer("the answer is not JSON (nested too deeply)") from None
    data = text_only(data)
    if isinstance(data, list):
        data = {"findings": data}
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UnusableAnswer('the answer is not an object with a "findings" list')
    findings: list[Any] = data["findings"]
    # A malformed finding inside a well-formed answer is dropped and counted
    # by the Checker, not the answer: with strict structured output it cannot
    # happen, and on a lenient server one bad finding must not throw away,
    # or keep re-asking for, the rest.
    return findings


def text_only(data: Any) -> Any:
    """The answer with every string valid Unicode: JSON may escape a lone
    surrogate ("\\ud800"), which no report, cache or request can encode."""
    if isinstance(data, str):
        return data.encode("utf-8", "replace").decode("utf-8") if not data.isascii() else data
    if isinstance(data, list):
        return [text_only(v) for v in data]
    if isinstance(data, dict):
        return {text_only(k): text_only(v) for k, v in data.items()}
    return data


REQUIRED = ("path", "line", "severity", "title", "message")


def schema_problem(raw: Any) -> str | None:
    """What makes a raw finding unreadable, if anything. The optional fields
    are read leniently (see Checker); these five must be there and right."""
    if not isinstance(raw, Mapping):
        return "not an object"
    missing = [k for k in REQUIRED if raw.get(k) in (None, "")]
    if missing:
        return f"missing {missing[0]}"
    try:
        Severity.parse(str(raw["severity"]))
    except ValueError:
        return "unknown severity"
    if _as_int(raw["line"]) is None:
        return "line not a whole number"
    return None


NOT_CHANGED = "not on a line this change touched"

# How far a model's citation may miss the changed line it means: weak and
# local models often cite the line after, or a blank line beside it.
REANCHOR = 3
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Words of prose and code that say nothing about which line is meant.
_PLAIN = frozenset(
    (
        "the",
        "and",
        "for",
        "not",
        "but",
        "with",
        "this",
        "that",
        "when",
        "from",
        "into",
        "than",
        "then",
        "will",
        "would",
        "should",
        "could",
        "value",
        "values",
        "line",
        "lines",
        "code",
        "function",
        "method",
        "call",
        "return",
        "returns",
        "true",
        "false",
        "none",
        "null",
        "self",
        "def",
        "var",
        "let",
        "const",
        "if",
        "else",
        "elif",
        "while",
        "int",
        "str",
        "list",
        "dict",
        "type",
        "error",
        "errors",
        "bug",
        "issue",
        "may",
        "can",
        "which",
        "where",
    )
)


# ...nor do the words of the answer's own scale.
_PLAIN |= {s.label for s in Severity} | {w for c in CATEGORIES for w in c.split("-")}


def _terms(text: str) -> set[str]:
    return {w.lower() for w in _IDENTIFIER.findall(text) if len(w) >= 3} - _PLAIN


def nearby_change(f: Finding, lines: Sequence[str], touched: frozenset[int]) -> int | None:
    """The changed line a finding means, when it cites a line beside it:
    one within REANCHOR lines whose code the finding's words name (the
    identifiers they share; the most wins, then the closest). A finding
    that names nothing on any of them is not moved: its line may be right,
    and moving it could only make a block out of a remark about old code."""
    window = [n for n in touched if 0 < abs(n - f.line) <= REANCHOR and n <= len(lines)]
    if not window:
        return None
    words = _terms(f"{f.title} {f.message} {f.suggestion or ''}")
    scored = [(len(words & _terms(lines[n - 1])), -abs(n - f.line), n) for n in window]
    best = max(scored)
    return best[2] if best[0] > 0 else None


class Checker:
    """Validates and anchors raw findings against the files of a change."""

    def __init__(
        self, files: Iterable[ChangedFile], unchanged_lines: str = "report", reanchor: bool = True
    ) -> None:
        self.files: dict[str, ChangedFile] = {}
        for f in files:
            self.files[f.path] = f
            self.files.setdefault(prompt_path(f.path), f)
        self.unchanged_lines = unchanged_lines
        self.reanchor = reanchor
        self.dropped: Counter[str] = Counter()
        self._touched: dict[str, frozenset[int]] = {}

    def check(self, raw: Any, model: str = "", cached: bool = False) -> Finding | None:
        f = self._validate(raw, model, cached)
        if f is not None:
            f = self._anchor(f)
        if f is None:
            return None
        return f.replace(fingerprint=fingerprint(f.path, self.files[f.path].lines, f.line))

    def _drop(self, reason: str) -> None:
        self.dropped[reason] += 1

    def _validate(self, raw: Any, model: str, cached: bool) -> Finding | None:
        problem = schema_problem(raw)
        if problem:
            self._drop(problem)
            return None
        severity = Severity.parse(str(raw["severity"]))
        file = self.files.get(str(raw["path"]))
        if file is None:
            self._drop("path not in the change")
            return None
        line = _as_int(raw["line"])
        if line is None or not 1 <= line <= max(1, len(file.lines)):
            self._drop("line not in the file")
            return None
        end = _as_int(raw.get("end_line"))
        end = None if end is None or end <= line else min(end, len(file.lines))
        category = raw.get("category")
        if category not in CATEGORIES:
            category = "other"
        confidence = raw.get("confidence")
        if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
            confidence = None
        else:
            confidence = min(1.0, max(0.0, float(confidence)))
        suggestion = raw.get("suggestion")
        return Finding(
            path=file.path,
            line=line,
            end_line=end,
            severity=severity,
            title=_one_line(str(raw["title"]))[:200],
            message=str(raw["message"]).strip(),
            category=str(category),
            suggestion=str(suggestion).strip() if suggestion else None,
            confidence=confidence,
            model=model,
            cached=cached,
        )

    def _anchor(self, f: Finding) -> Finding | None:
        touched = self._touched.get(f.path)
        if touched is None:
            touched = self._touched[f.path] = self.files[f.path].touched()
        if f.line in touched:
            return f
        # A span that covers a changed line is re-anchored to the first one.
        if f.end_line is not None:
            for n in range(f.line, f.end_line + 1):
                if n in touched:
                    return f.replace(line=n)
        near = nearby_change(f, self.files[f.path].lines, touched) if self.reanchor else None
        if near is not None:
            return f.replace(line=near, end_line=None, moved_from=f.line)
        if self.unchanged_lines == "drop":
            self._drop("not on a changed line")
            return None
        return f.replace(held=NOT_CHANGED)


def fingerprint(path: str, lines: Sequence[str], line: int) -> str:
    """An id for a finding's place that survives code moving: the path, the
    flagged line's text (white space folded) and which occurrence of that
    text in the file it is. Not the model's words, which vary from run to
    run, and not the line number, which shifts with every edit above."""
    text = " ".join(lines[line - 1].split()) if 0 < line <= len(lines) else ""
    nth = sum(1 for other in lines[: line - 1] if " ".join(other.split()) == text)
    digest = hashlib.sha256(f"{path}\0{text}\0{nth}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def title_words(title: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", title.lower()))


def _same_problem(a: Finding, b: Finding) -> bool:
    if a.path != b.path or a.line != b.line:
        return False
    wa, wb = title_words(a.title), title_words(b.title)
    return wa == wb or len(wa & wb) >= 0.5 * len(wa | wb)


def merge_duplicates(findings: Iterable[Finding], dropped: Counter[str]) -> list[Finding]:
    """One finding per problem: two findings on the same line whose titles
    share most of their words are one problem, and the most severe, most
    confident report of it is kept."""
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (-f.severity, -(f.confidence or 0))):
        if any(_same_problem(k, f) for k in kept):
            dropped["duplicate"] += 1
        else:
            kept.append(f)
    return sorted(kept, key=lambda f: (f.path, f.line, -f.severity))
