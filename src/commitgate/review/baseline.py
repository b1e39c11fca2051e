"""The baseline: findings accepted once, so that only new ones block.

`commitgate baseline` reviews every tracked file and lists each finding's
fingerprint in a file meant to be committed. Later runs hold a finding whose
fingerprint is listed: it is reported as accepted and never blocks. A
fingerprint is the path, the flagged line's text and which occurrence of
that text it is (see findings.fingerprint), so moving code keeps the match
and editing the line ends it.

The file is written for diffs: one finding per line, sorted by path and
fingerprint, no timestamps, no absolute paths, so refreshing it on unchanged
code changes no byte, and a refresh shows exactly which findings came and
went.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from commitgate.config import KEYS, Settings
from commitgate.errors import ConfigError
from commitgate.review.findings import Finding

if TYPE_CHECKING:
    from commitgate import git

VERSION = 1
IN_BASELINE = "in the baseline"
_COMMENT = (
    "Findings accepted by `commitgate baseline`: these never block. "
    "Refresh with `commitgate baseline`; commit this file."
)
_FIELDS = ("path", "fingerprint", "severity", "category", "title")


class Entry(NamedTuple):
    path: str
    fingerprint: str
    # For people reading the file; matching uses the fingerprint alone.
    severity: str
    category: str
    title: str


def hold(findings: Iterable[Finding], accepted: frozenset[str]) -> list[Finding]:
    """Hold the findings the baseline lists. This reason wins over any other:
    what was accepted is not news, whatever else is true of it."""
    return [
        f.replace(held=IN_BASELINE) if f.fingerprint and f.fingerprint in accepted else f
        for f in findings
    ]


def accepted(root: str, settings: Settings, repo: git.Repo | None = None) -> frozenset[str]:
    """The fingerprints in the configured baseline file; none when there is
    no file at the default place, or when `baseline` is "". For a range
    review, the file as it is at the range's base (settings.trusted_at): a
    change must not accept its own findings."""
    if not settings.baseline:
        return frozenset()
    try:
        if settings.trusted_at and repo is not None:
            entries = _read_at(repo, settings.trusted_at, settings.baseline)
        else:
            entries = read(os.path.join(root, settings.baseline), settings.baseline)
    except FileNotFoundError:
        if settings.baseline == KEYS["baseline"].default:
            return frozenset()
        raise ConfigError(
            f"{settings.source}: baseline file {settings.baseline!r} does not exist: "
            'create it with `commitgate baseline`, or set baseline = ""'
        ) from None
    return frozenset(e.fingerprint for e in entries)


def _read_at(repo: git.Repo, commit: str, path: str) -> list[Entry]:
    from commitgate.git.repo import file_at

    data = file_at(repo, commit, os.path.normpath(path).replace(os.sep, "/"))
    if data is None:
        raise FileNotFoundError(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a commitgate baseline: not UTF-8 text") from None
    return parse(text, f"{path} at {commit[:12]}")


def read(file: str, shown: str) -> list[Entry]:
    """The entries of a baseline file. `shown` is how to name it in errors
    (relative, as configured). Raises FileNotFoundError when it is missing,
    and ConfigError when it is not a baseline."""
    try:
        with open(file, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise
    except OSError as e:
        raise ConfigError(f"{shown}: cannot read the baseline: {e.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: not a commitgate baseline: not UTF-8 text") from None
    return parse(text, shown)


def parse(text: str, shown: str) -> list[Entry]:
    """The entries of a baseline file's text (ConfigError when it is not one)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(
            f"{shown}: not a commitgate baseline: invalid JSON at line {e.lineno}: {e.msg} "
            "(after a merge conflict, run `commitgate baseline` to write it afresh)"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise ConfigError(f'{shown}: not a commitgate baseline: no "findings" list')
    if data.get("version") != VERSION:
        raise ConfigError(
            f"{shown}: baseline version {data.get('version')!r} is not one this "
            f"commitgate reads ({VERSION}): run `commitgate baseline` to write it afresh"
        )
    return [_entry(item, f"{shown}: findings[{i}]") for i, item in enumerate(data["findings"])]


def _entry(item: Any, where: str) -> Entry:
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: must be an object")
    for key in ("path", "fingerprint"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise ConfigError(f"{where}: {key!r} must be a non-empty string")
    for key in ("severity", "category", "title"):
        if not isinstance(item.get(key, ""), str):
            raise ConfigError(f"{where}: {key!r} must be a string")
    return Entry(*(str(item.get(k, "")) for k in _FIELDS))


def entries(findings: Iterable[Finding], previous: Sequence[Entry] = ()) -> list[Entry]:
    """One entry per fingerprint, sorted. A fingerprint the previous baseline
    already lists keeps its entry as it was: a model words the same finding
    differently from run to run, and a refresh should show only what came
    and went."""
    kept = {e.fingerprint: e for e in previous}
    out: dict[str, Entry] = {}
    # Several findings on one line share a fingerprint: the most severe names it.
    for f in sorted(findings, key=lambda f: (-f.severity, f.category, f.title)):
        if f.fingerprint and f.fingerprint not in out:
            out[f.fingerprint] = kept.get(f.fingerprint) or Entry(
                f.path, f.fingerprint, f.severity.label, f.category, f.title
            )
    return sorted(out.values(), key=lambda e: (e.path, e.fingerprint))


def dumps(entries: Sequence[Entry]) -> str:
    lines = [
        "{",
        f'  "version": {VERSION},',
        f'  "comment": {json.dumps(_COMMENT)},',
        '  "findings": [' if entries else '  "findings": []',
    ]
    for i, e in enumerate(entries):
        comma = "," if i < len(entries) - 1 else ""
        lines.append(f"    {_one_line(e._asdict())}{comma}")
    if entries:
        lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _one_line(obj: dict[str, str]) -> str:
    text = json.dumps(obj, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A path that is not valid UTF-8 (held as surrogates) is written escaped.
        text = json.dumps(obj)
    return text


def write(file: str, text: str) -> None:
    """Write the file whole or not at all: a baseline cut short by a full
    disk or a ^C would make every later run fail on it."""
    import tempfile

    try:
        mode = os.stat(file).st_mode & 0o777
    except OSError:
        mode = 0o644
    folder = os.path.dirname(os.path.abspath(file))
    fd, tmp = tempfile.mkstemp(prefix=".commitgate-baseline.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, file)
    except BaseException:
        os.unlink(tmp)
        raise
