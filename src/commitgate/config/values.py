"""Checking a table of settings: each value against its key's declared
kind, with messages that name the file, the key and what it must be."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from commitgate.config.keys import KEYS, NEVER, OVERRIDE_KEYS, PROFILES, Key
from commitgate.config.settings import Override
from commitgate.errors import ConfigError
from commitgate.severity import NAMES as SEVERITY_NAMES
from commitgate.severity import Severity


def check_table(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        spec = KEYS.get(key)
        if spec is None:
            raise ConfigError(f"{where}: unknown key {key!r}{_did_you_mean(key, KEYS)}")
        out[key] = _check(spec, value, where, key)
        if key == "baseline":
            _inside_the_repository(out[key], where, key)
    return out


def _inside_the_repository(path: str, where: str, key: str) -> None:
    """A path the settings name that commitgate reads and writes: it stays
    below the repository root (a repository's `baseline = "~/.bashrc"` must
    not have `commitgate baseline` write there)."""
    parts = path.replace("\\", "/").split("/")
    if path.startswith(("/", "\\", "~")) or (len(path) > 1 and path[1] == ":") or ".." in parts:
        raise ConfigError(
            f"{where}: {key!r} must be a path inside the repository, relative to its root "
            f"(not {path!r})"
        )


def _did_you_mean(key: str, known: Mapping[str, object] | tuple[str, ...]) -> str:
    import difflib

    candidates = list(known) + list(PROFILES)
    close = difflib.get_close_matches(key.replace("_", "-").lower(), candidates, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(known)})"


def _type_name(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _check(spec: Key, value: Any, where: str, key: str) -> Any:
    def bad(expected: str) -> ConfigError:
        return ConfigError(
            f"{where}: {key!r} must be {expected} (got {_type_name(value)} {value!r})"
        )

    kind = spec.kind
    if kind == "str":
        if not isinstance(value, str):
            raise bad("a string")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if kind in ("int", "number"):
        ok = isinstance(value, int) or (kind == "number" and isinstance(value, float))
        if isinstance(value, bool) or not ok:
            raise bad("an integer" if kind == "int" else "a number")
        if not math.isfinite(value):
            # nan passes every comparison (min-confidence = nan would let
            # nothing block), inf no deadline: neither is a setting.
            raise bad("a finite number")
        if value < spec.minimum:
            raise bad(f"at least {spec.minimum:g}")
        if value > spec.maximum:
            raise bad(f"at most {spec.maximum:g}")
        return float(value) if kind == "number" else value
    if kind == "choice":
        if value not in spec.choices:
            raise bad("one of " + ", ".join(repr(c) for c in spec.choices))
        return value
    if kind == "threshold":
        return _threshold(value, where, key)
    if kind in ("strings", "globs"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        if kind == "globs":
            _globs(value, where, key)
        return tuple(value)
    if kind == "counts":
        return _counts(value, where, key)
    if kind == "label":
        if not isinstance(value, str) or len(value) > 256:
            raise bad("a string of at most 256 characters")
        return value
    if kind == "tags":
        ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        if not ok or len(value) > 10 or any(len(v) > 64 for v in value):
            raise bad("a list of at most 10 strings of 1 to 64 characters")
        return tuple(value)
    if kind == "overrides":
        return _overrides(value, where)
    if kind == "instructions":
        return _instructions(value, where, key)
    if kind == "limits":
        return _limits(value, where, key)
    raise AssertionError(kind)  # pragma: no cover


def _globs(patterns: Sequence[str], where: str, key: str) -> None:
    from commitgate import glob

    for p in patterns:
        try:
            glob.check(p.removeprefix("!"))
        except ValueError as e:
            raise ConfigError(f"{where}: {key!r}: {e}") from None


def _severity(value: Any, where: str, key: str) -> Severity:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key!r} must be one of {SEVERITY_NAMES} (got {value!r})")
    try:
        return Severity.parse(value)
    except ValueError:
        raise ConfigError(
            f"{where}: {key!r} must be one of {SEVERITY_NAMES} (got {value!r})"
        ) from None


def _threshold(value: Any, where: str, key: str) -> Severity | None:
    if value == NEVER:
        return None
    if not isinstance(value, str):
        raise ConfigError(
            f"{where}: {key!r} must be one of {SEVERITY_NAMES}, or {NEVER} (got {value!r})"
        )
    try:
        return Severity.parse(value)
    except ValueError:
        raise ConfigError(
            f"{where}: {key!r} must be one of {SEVERITY_NAMES}, or {NEVER} (got {value!r})"
        ) from None


def _counts(value: Any, where: str, key: str) -> dict[Severity, int]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key!r} must be a table such as {{ medium = 5 }}")
    out = {}
    for name, n in value.items():
        sev = _severity(name, where, f"{key}.{name}")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ConfigError(f"{where}: '{key}.{name}' must be a whole number >= 0 (got {n!r})")
        out[sev] = n
    return out


def _limits(value: Any, where: str, key: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key!r} must be a table such as {{ files = 10, lines = 500 }}")
    for name, n in value.items():
        if name not in ("files", "lines"):
            raise ConfigError(f"{where}: '{key}.{name}' is not a limit (files, lines)")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ConfigError(f"{where}: '{key}.{name}' must be a whole number >= 0 (got {n!r})")
    return dict(value)


def _instructions(value: Any, where: str, key: str) -> Any:
    """A string (for every file), or [[instructions]] tables of `text` and
    `paths` (for those files; none: every file), as a tuple of (paths, text)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{where}: {key!r} must be a string or [[{key}]] tables")
    out = []
    for i, entry in enumerate(value, 1):
        at = f"{where} [[{key}]] #{i}"
        unknown = [k for k in entry if k not in ("text", "paths")]
        if unknown:
            raise ConfigError(f"{at}: unknown key {unknown[0]!r} (known keys: text, paths)")
        text, paths = entry.get("text"), entry.get("paths", [])
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{at}: 'text' must be the instructions, a string")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise ConfigError(f"{at}: 'paths' must be a list of globs")
        _globs(paths, at, "paths")
        out.append((tuple(paths), text))
    return tuple(out)


def _overrides(value: Any, where: str) -> tuple[Override, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{where}: 'overrides' must be an array of tables ([[overrides]])")
    out = []
    for i, entry in enumerate(value, 1):
        at = f"{where} [[overrides]] #{i}"
        paths = entry.get("paths")
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            raise ConfigError(f"{at}: 'paths' must be a non-empty list of globs")
        _globs(paths, at, "paths")
        for key in entry:
            if key != "paths" and key not in OVERRIDE_KEYS:
                allowed = ("paths", *OVERRIDE_KEYS)
                raise ConfigError(f"{at}: unknown key {key!r}{_did_you_mean(key, allowed)}")
        fail_on = entry.get("fail-on")
        counts = entry.get("max-findings")
        confidence = entry.get("min-confidence")
        out.append(
            Override(
                tuple(paths),
                "fail-on" in entry,
                None if fail_on is None else _threshold(fail_on, at, "fail-on"),
                None if counts is None else _counts(counts, at, "max-findings"),
                None
                if confidence is None
                else _check(KEYS["min-confidence"], confidence, at, "min-confidence"),
            )
        )
    return tuple(out)
