"""Validate the review corpus under eval/corpus and run every case's check.

Usage: python3 eval/verify.py [--corpus DIR] [--jobs N] [--strict] [CASE-ID ...]

For each case it checks the layout and case.toml, the size rules, that every
expected bug sits on lines the change added or modified, and then runs
check/run where the case's toolchain is installed:

- bug case: check/run fails on after/ and passes on after/ overlaid with fixed/;
- clean case: check/run passes on after/; a "fix" must fail on before/ (so it
  fixes something), a "refactor" or "tests" change must pass on before/ too.

One line per case; the exit status is non-zero when any case fails.  A case
whose toolchain is missing is reported as SKIP, which counts as a failure only
with --strict.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:  # Python 3.11+
    import tomllib as _tomllib
except ModuleNotFoundError:  # pragma: no cover - exercised on 3.9 / 3.10
    _tomllib = None  # type: ignore[assignment]

CORPUS = Path(__file__).resolve().parent / "corpus"

LANGUAGES = ("python", "javascript", "typescript", "go")
KINDS = ("bug", "clean")
CHANGES = ("fix", "refactor", "tests", "dependency", "feature")
SEVERITIES = ("critical", "high", "medium", "low")
TOOLCHAIN = {"python": "python3", "javascript": "node", "typescript": "node", "go": "go"}
SOURCE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go")

MIN_CHANGED_FILES, MAX_CHANGED_FILES = 1, 3
MIN_SOURCE_LINES, MAX_FILE_LINES = 30, 150
MIN_CASE_CHANGED_LINES, MAX_FILE_CHANGED_LINES = 3, 40
MAX_UNCHANGED_FILES = 2
CHECK_TIMEOUT = 300.0

CASE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
# Words that would tell the reviewer where to look.
GIVEAWAY = re.compile(r"\b(bug|buggy|fixme|xxx|careful|intentional(?:ly)?|test case)\b", re.I)
# Words in a case id that would name the defect.
ID_GIVEAWAY = re.compile(
    r"(bug|broken|wrong|off-by-one|race|leak|inject|traversal|overflow|shadow|nil-map|"
    r"missing|typo|unsafe|vuln|fixed|clean)"
)
STRAY = ("__pycache__", ".DS_Store", "node_modules", ".pytest_cache")

TOP_KEYS = {"language", "message", "kind", "change", "bug"}
BUG_KEYS = {"path", "lines", "severity", "why"}


# --- case.toml --------------------------------------------------------------------------


def parse_toml_subset(text: str) -> dict[str, Any]:
    """Parse the subset of TOML that case.toml uses (for Pythons without tomllib).

    Supported: comments, `key = "basic string"`, `key = [int, ...]`, integers,
    booleans, and `[[bug]]` array-of-tables headers.
    """
    data: dict[str, Any] = {}
    table: dict[str, Any] = data
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[\[\s*([A-Za-z0-9_-]+)\s*\]\]\s*(#.*)?", line)
        if header:
            items = data.setdefault(header.group(1), [])
            if not isinstance(items, list):
                raise ValueError(f"line {number}: {header.group(1)} is not an array of tables")
            table = {}
            items.append(table)
            continue
        pair = re.fullmatch(r"([A-Za-z0-9_-]+)\s*=\s*(.+)", line)
        if not pair:
            raise ValueError(f"line {number}: cannot parse {raw!r}")
        key, value = pair.group(1), _strip_comment(pair.group(2))
        if key in table:
            raise ValueError(f"line {number}: duplicate key {key!r}")
        table[key] = _toml_value(value, number)
    return data


def _strip_comment(value: str) -> str:
    in_string = escaped = False
    for index, char in enumerate(value):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "#":
            return value[:index].rstrip()
    return value.rstrip()


def _toml_value(value: str, number: int) -> Any:
    if value.startswith('"'):
        try:
            result = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {number}: bad string {value!r}") from exc
        if not isinstance(result, str):
            raise ValueError(f"line {number}: bad string {value!r}")
        return result
    if value in ("true", "false"):
        return value == "true"
    if re.fullmatch(r"[+-]?\d+", value):
        return int(value)
    if value.startswith("[") and value.endswith("]"):
        inner = value[1:-1].strip().rstrip(",")
        if not inner:
            return []
        return [_toml_value(part.strip(), number) for part in inner.split(",")]
    raise ValueError(f"line {number}: unsupported value {value!r}")


def load_case_toml(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    subset = parse_toml_subset(text)
    if _tomllib is not None:
        full = _tomllib.loads(text)
        if full != subset:
            raise ValueError("uses TOML beyond the subset that Python 3.9 can read here")
        return full
    return subset


# --- trees and diffs --------------------------------------------------------------------


def tree_files(root: Path) -> dict[str, Path]:
    """Relative POSIX path -> file, for every file under root."""
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@dataclass
class FileChange:
    path: str
    status: str  # "added" | "modified" | "deleted"
    after_lines: int
    before_lines: int
    changed: set[int] = field(default_factory=set)  # after/ line numbers added or modified
    added: int = 0
    removed: int = 0


def diff_file(path: str, before: Path | None, after: Path | None) -> FileChange | None:
    old = read_lines(before) if before else []
    new = read_lines(after) if after else []
    if before and after and old == new and before.read_bytes() == after.read_bytes():
        return None
    status = "added" if before is None else "deleted" if after is None else "modified"
    change = FileChange(path, status, len(new), len(old))
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        change.removed += i2 - i1
        change.added += j2 - j1
        change.changed.update(range(j1 + 1, j2 + 1))
    return change


def overlay(dest: Path, src: Path) -> None:
    for rel, file in tree_files(src).items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target)


# --- one case ---------------------------------------------------------------------------


@dataclass
class Result:
    case_id: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str = ""
    summary: str = ""
    seconds: float = 0.0


def validate(case: Path, result: Result) -> dict[str, Any] | None:
    """Static checks; returns the parsed case.toml when it could be read."""
    problems = result.problems
    if not CASE_ID.match(case.name):
        problems.append("case id must be short kebab-case")
    hint = ID_GIVEAWAY.search(case.name)
    if hint:
        problems.append(f"case id gives away {hint.group(0)!r}")
    for stray in STRAY:
        for found in case.rglob(stray):
            problems.append(f"stray {found.relative_to(case)}")
    allowed = {"case.toml", "before", "after", "fixed", "check"}
    extra = sorted(p.name for p in case.iterdir() if p.name not in allowed)
    if extra:
        problems.append(f"unexpected entries: {', '.join(extra)}")

    try:
        meta = load_case_toml(case / "case.toml")
    except FileNotFoundError:
        problems.append("no case.toml")
        return None
    except ValueError as exc:
        problems.append(f"case.toml: {exc}")
        return None

    unknown = set(meta) - TOP_KEYS
    if unknown:
        problems.append(f"case.toml: unknown keys {sorted(unknown)}")
    language, kind = meta.get("language"), meta.get("kind")
    message = meta.get("message")
    if language not in LANGUAGES:
        problems.append(f"language must be one of {LANGUAGES}")
    if kind not in KINDS:
        problems.append(f"kind must be one of {KINDS}")
    if not isinstance(message, str) or not message.strip() or "\n" in message:
        problems.append("message must be a non-empty single-line string")
    bugs = meta.get("bug", [])
    if kind == "clean":
        if meta.get("change") not in CHANGES:
            problems.append(f"clean case needs change = one of {CHANGES}")
        if bugs:
            problems.append("clean case must not list [[bug]]")
    if kind == "bug":
        if "change" in meta:
            problems.append("bug case must not set change")
        if not isinstance(bugs, list) or not bugs:
            problems.append("bug case needs at least one [[bug]]")
            bugs = []

    before, after, fixed = (tree_files(case / d) for d in ("before", "after", "fixed"))
    if not after:
        problems.append("after/ is empty or missing")
    changes: dict[str, FileChange] = {}
    for rel in sorted(set(before) | set(after)):
        change = diff_file(rel, before.get(rel), after.get(rel))
        if change:
            changes[rel] = change
    unchanged = [rel for rel in after if rel in before and rel not in changes]
    unchanged_nonempty = [rel for rel in unchanged if after[rel].stat().st_size > 0]

    # Size rules.
    if not MIN_CHANGED_FILES <= len(changes) <= MAX_CHANGED_FILES:
        problems.append(
            f"{len(changes)} changed files (want {MIN_CHANGED_FILES}-{MAX_CHANGED_FILES})"
        )
    if len(unchanged_nonempty) > MAX_UNCHANGED_FILES:
        problems.append(
            f"{len(unchanged_nonempty)} unchanged sibling files (want at most "
            f"{MAX_UNCHANGED_FILES})"
        )
    total = 0
    for change in changes.values():
        size = change.before_lines if change.status == "deleted" else change.after_lines
        amount = max(change.added, change.removed)
        total += amount
        if size > MAX_FILE_LINES:
            problems.append(f"{change.path}: {size} lines (want at most {MAX_FILE_LINES})")
        if change.path.endswith(SOURCE_SUFFIXES):
            if size < MIN_SOURCE_LINES:
                problems.append(f"{change.path}: {size} lines (want at least {MIN_SOURCE_LINES})")
            if amount > MAX_FILE_CHANGED_LINES:
                problems.append(
                    f"{change.path}: {amount} changed lines (want at most {MAX_FILE_CHANGED_LINES})"
                )
    if changes and total < MIN_CASE_CHANGED_LINES:
        problems.append(f"{total} changed lines in all (want at least {MIN_CASE_CHANGED_LINES})")

    # Expected bugs.
    for index, bug in enumerate(bugs, 1):
        where = f"bug {index}"
        if not isinstance(bug, dict):
            problems.append(f"{where}: not a table")
            continue
        if set(bug) != BUG_KEYS:
            problems.append(f"{where}: keys must be exactly {sorted(BUG_KEYS)}")
        path, lines = bug.get("path"), bug.get("lines")
        if bug.get("severity") not in SEVERITIES:
            problems.append(f"{where}: severity must be one of {SEVERITIES}")
        if not isinstance(bug.get("why"), str) or not bug.get("why", "").strip():
            problems.append(f"{where}: why must be a non-empty string")
        if not isinstance(path, str) or path not in after:
            problems.append(f"{where}: path {path!r} is not a file in after/")
            continue
        if (
            not isinstance(lines, list)
            or len(lines) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in lines)
        ):
            problems.append(f"{where}: lines must be [first, last]")
            continue
        first, last = lines
        length = len(read_lines(after[path]))
        if not 1 <= first <= last <= length:
            problems.append(f"{where}: lines {lines} outside {path} (1-{length})")
            continue
        change = changes.get(path)
        untouched = [n for n in sorted({first, last}) if change is None or n not in change.changed]
        if untouched:
            problems.append(
                f"{where}: line(s) {untouched} of {path} are not added or modified by the change"
            )

    # fixed/ overlay.
    if kind == "bug":
        if not fixed:
            problems.append("bug case needs fixed/")
        for rel, file in fixed.items():
            if rel not in changes or rel not in after:
                problems.append(f"fixed/{rel} is not a file the change touched")
            elif file.read_bytes() == after[rel].read_bytes():
                problems.append(f"fixed/{rel} is identical to after/")
    elif fixed:
        problems.append("clean case must not have fixed/")

    # No giveaways in what the reviewer sees.
    if kind == "bug":
        texts = [("message", message if isinstance(message, str) else "")]
        texts += [
            (f"after/{rel}", after[rel].read_text(encoding="utf-8"))
            for rel in changes
            if rel in after
        ]
        for label, text in texts:
            hit = GIVEAWAY.search(text)
            if hit:
                problems.append(f"{label}: giveaway word {hit.group(0)!r}")

    run = case / "check" / "run"
    if not run.is_file():
        problems.append("no check/run")
    elif not os.access(run, os.X_OK):
        problems.append("check/run is not executable")

    result.summary = (
        f"{language}/{kind}{'/' + str(meta.get('change')) if kind == 'clean' else ''}"
        f", {len(changes)} file(s), {total} changed line(s)"
    )
    return meta


def run_check(case: Path, tree: Path, label: str, result: Result) -> bool | None:
    """Run check/run on a copy of tree; True = passed, False = failed, None = broke."""
    with tempfile.TemporaryDirectory(prefix="commitgate-eval-") as tmp:
        copy = Path(tmp) / "tree"
        shutil.copytree(tree, copy, symlinks=True)
        if label == "fixed":
            overlay(copy, case / "fixed")
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        try:
            proc = subprocess.run(
                [str(case / "check" / "run"), str(copy)],
                cwd=tmp,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=CHECK_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            result.problems.append(f"check on {label}/ timed out after {CHECK_TIMEOUT:.0f}s")
            return None
        except OSError as exc:
            result.problems.append(f"check on {label}/ could not start: {exc}")
            return None
    if proc.returncode < 0:
        result.notes.append(f"{label}: killed by signal {-proc.returncode}")
    tail = (proc.stdout + proc.stderr).decode("utf-8", "replace").strip().splitlines()[-3:]
    result.notes.append(
        f"{label}: exit {proc.returncode}" + (f" ({' | '.join(tail)})" if tail else "")
    )
    return proc.returncode == 0


def verify_case(case: Path) -> Result:
    started = time.monotonic()
    result = Result(case.name)
    meta = validate(case, result)
    if meta is None or result.problems:
        result.seconds = time.monotonic() - started
        return result
    tool = TOOLCHAIN[meta["language"]]
    if shutil.which(tool) is None:
        result.skipped = f"{tool} not installed"
        result.seconds = time.monotonic() - started
        return result
    if meta["kind"] == "bug":
        if run_check(case, case / "after", "after", result) is True:
            result.problems.append("check passes on after/: the bug does not manifest")
        if run_check(case, case / "after", "fixed", result) is False:
            result.problems.append("check fails on after/ + fixed/")
    else:
        if run_check(case, case / "after", "after", result) is False:
            result.problems.append("check fails on after/")
        change = meta["change"]
        if (case / "before").is_dir():
            outcome = run_check(case, case / "before", "before", result)
            if change == "fix" and outcome is True:
                result.problems.append("a fix whose check already passes on before/")
            if change in ("refactor", "tests") and outcome is False:
                result.problems.append(f"a {change} change whose check fails on before/")
    result.seconds = time.monotonic() - started
    return result


# --- main -------------------------------------------------------------------------------


def cases_in(corpus: Path, wanted: list[str]) -> Iterator[Path]:
    for entry in sorted(corpus.iterdir()):
        if entry.is_dir() and (not wanted or entry.name in wanted):
            yield entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="case ids (default: all)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--jobs", "-j", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    parser.add_argument(
        "--strict", action="store_true", help="a case whose toolchain is missing fails"
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="show how each check ended")
    args = parser.parse_args(argv)

    if not args.corpus.is_dir():
        print(f"verify: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    cases = list(cases_in(args.corpus, args.cases))
    missing = sorted(set(args.cases) - {c.name for c in cases})
    if missing:
        print(f"verify: no such case: {', '.join(missing)}", file=sys.stderr)
        return 2

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(verify_case, cases))

    failed = skipped = 0
    tally: dict[str, int] = {}
    for result in results:
        if result.problems:
            status = "FAIL"
            failed += 1
        elif result.skipped:
            status = "SKIP"
            skipped += 1
        else:
            status = "ok"
        print(
            f"{status:4} {result.case_id:28} {result.summary} [{result.seconds:.1f}s]"
            + (f" ({result.skipped})" if result.skipped else "")
        )
        for problem in result.problems:
            print(f"       - {problem}")
        if args.verbose or result.problems:
            for note in result.notes:
                print(f"       . {note}")
        key = result.summary.split(",")[0] if result.summary else "unreadable"
        tally[key] = tally.get(key, 0) + 1

    print(
        f"{len(results)} cases: {len(results) - failed - skipped} ok, {failed} failed, "
        f"{skipped} skipped ({time.monotonic() - started:.1f}s)"
    )
    if len(args.cases) == 0:
        for key in sorted(tally):
            print(f"  {key}: {tally[key]}")
    if failed or (skipped and args.strict):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
