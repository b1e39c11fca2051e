"""Settings: `commitgate.toml`, or `[tool.commitgate]` in pyproject.toml.

Every key is declared once in KEYS, with its type, default and meaning; the
loader, the error messages and `commitgate init` all read that table. Values
are layered, last wins: built-in defaults, the file's top-level keys, the
profile's own defaults, the file's table for that profile (e.g. `[security]`),
then the COMMITGATE_MODEL / COMMITGATE_BASE_URL environment variables.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Mapping
from typing import Any, NamedTuple

from commitgate.errors import ConfigError
from commitgate.severity import NAMES as SEVERITY_NAMES
from commitgate.severity import Severity

CONFIG_FILE = "commitgate.toml"
DEFAULT_BASE_URL = "https://ai-gateway.vercel.sh/v1"
DEFAULT_MODEL = "openai/gpt-5.1-codex-mini"


class Key(NamedTuple):
    # str | bool | int | number | severity | choice | strings | counts | overrides
    # | label (a string of at most 256 characters) | tags (at most 10 of 1-64)
    kind: str
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    minimum: float = 0
    maximum: float = float("inf")


KEYS: dict[str, Key] = {
    # What reviews, and how.
    "model": Key("str", DEFAULT_MODEL, "the model that reviews the change"),
    "base-url": Key("str", DEFAULT_BASE_URL, "an OpenAI-compatible API; the gateway by default"),
    "api": Key(
        "choice",
        "responses",
        "`responses`, or `chat` for servers with only chat completions",
        ("responses", "chat"),
    ),
    "reasoning-effort": Key(
        "choice",
        "low",
        "how hard the model thinks: more finds more, costs more, takes longer",
        ("low", "medium", "high", "xhigh"),
    ),
    "max-output-tokens": Key("int", 16000, "cap on the answer, reasoning included", minimum=256),
    "stream": Key("bool", True, "stream answers (a stalled answer is noticed at once)"),
    "instructions": Key(
        "str",
        "",
        "your own instructions to the model, added to the built-in ones "
        "(e.g. the project's conventions, or what to watch for)",
    ),
    # What blocks.
    "fail-on": Key(
        "threshold", Severity.HIGH, "the lowest severity that fails the commit, or `never`"
    ),
    "max-findings": Key(
        "counts", {}, "fail when a severity has more findings than this, e.g. { medium = 5 }"
    ),
    "min-confidence": Key(
        "number",
        0.5,
        "a finding the model is less sure of than this (0 to 1) is reported but never "
        "blocks; a finding without a confidence counts as sure",
        maximum=1,
    ),
    "unchanged-lines": Key(
        "choice",
        "report",
        "a finding on a line the change did not touch: `report` it (never blocking) or `drop` it",
        ("report", "drop"),
    ),
    "overrides": Key(
        "overrides", (), 'per-path settings: [[overrides]] paths = ["tests/**"] fail-on = ...'
    ),
    "baseline": Key(
        "str",
        ".commitgate-baseline.json",
        "the file of accepted findings that `commitgate baseline` writes, relative to the "
        'repository root; findings listed there never block ("" for none)',
    ),
    # What is reviewed, and what is sent.
    "paths": Key(
        "strings",
        (),
        "globs of the files this review covers (default: all); files outside "
        "are listed as not reviewed",
    ),
    "exclude": Key("strings", (), "globs of files never reviewed"),
    "never-send": Key(
        "strings",
        (),
        "globs of files never sent, added to the built-in list (.env*, *.pem, id_rsa*, ...); "
        "`!glob` sends files that list holds back",
    ),
    "redact": Key(
        "bool", True, "replace secrets (keys, tokens, passwords) by placeholders before sending"
    ),
    "max-file-bytes": Key("int", 512 * 1024, "files larger than this are not sent", minimum=1),
    "context-lines": Key("int", 3, "unchanged lines shown around each change"),
    # The second opinion before blocking (verify.py).
    "verify": Key("bool", True, "re-check findings that would block with verify-model first"),
    "verify-model": Key(
        "str", "openai/gpt-5.1-codex", "the stronger model that confirms or dismisses them"
    ),
    "verify-reasoning-effort": Key(
        "choice", "medium", "how hard verify-model thinks", ("low", "medium", "high", "xhigh")
    ),
    "sensitive": Key(
        "strings", (), 'globs of files reviewed by verify-model directly, e.g. ["**/auth/**"]'
    ),
    # Size, cost and speed.
    "max-request-tokens": Key(
        "int",
        32000,
        "the most one request may carry; a larger change is split into several "
        "requests (smaller requests are reviewed more thoroughly, and run concurrently)",
        minimum=2000,
    ),
    "max-concurrency": Key("int", 4, "requests in flight at once", minimum=1),
    "max-run-tokens": Key(
        "int",
        0,
        "the most tokens (in and out) one run may spend; requests that would pass "
        "it are not sent, and their files are listed as not reviewed. 0: no limit",
    ),
    "max-run-cost": Key(
        "number",
        0.0,
        "the most dollars one run may spend, estimated from the model's "
        "prices before each request is sent. 0: no limit",
    ),
    "cache": Key("bool", True, "reuse verdicts for content already reviewed"),
    "cache-dir": Key(
        "str",
        "",
        "where the review cache lives, relative to the repository root "
        "(default: commitgate/ in the git directory); point CI's cache step at it",
    ),
    # When things go wrong.
    "on-error": Key(
        "choice",
        "auto",
        "when no review could be had: `fail` the commit, `warn` and let it "
        "through, or `auto`: fail when the CI variable is set or no credential is set up, "
        "warn when the service fails on a developer's machine",
        ("auto", "fail", "warn"),
    ),
    "timeout": Key("number", 60.0, "seconds to wait for the next bytes of an answer", minimum=0.1),
    "connect-timeout": Key("number", 10.0, "seconds to wait for a connection", minimum=0.1),
    "deadline": Key(
        "number",
        120.0,
        "seconds for the whole review, retries included; what is not answered by then is "
        "reported as not reviewed",
        minimum=1,
    ),
    "retries": Key("int", 3, "retries of a failed request (429, 5xx, network errors)"),
    "retry-backoff": Key(
        "number",
        1.0,
        "seconds before the first retry; doubled for each next one (at most 30), with jitter",
    ),
    "allow-http": Key(
        "bool", False, "allow a plain http:// base-url to a host that is not loopback"
    ),
    "ca-bundle": Key(
        "str", "", "a CA bundle file to verify the server with, instead of the system's"
    ),
    # Vercel AI Gateway routing and privacy (routing.py).
    "zero-data-retention": Key(
        "bool", False, "ask the gateway to route only to providers that retain no data"
    ),
    "provider-order": Key("strings", (), "gateway providers to try first, in this order"),
    "provider-only": Key("strings", (), "the only gateway providers that may serve the review"),
    "user": Key("label", "", "an end-user id the gateway reports usage under"),
    "tags": Key("tags", (), "labels the gateway reports usage under (at most 10)"),
}

# Keys an `[[overrides]]` entry may set besides `paths`.
OVERRIDE_KEYS = ("fail-on", "max-findings", "min-confidence")

# Tables that configure one hook profile each (see profiles.py).
PROFILES = ("review", "security", "tests", "push", "commit-msg")

NEVER = "never"  # fail-on: findings report, never block


class Override(NamedTuple):
    paths: tuple[str, ...]
    sets_fail_on: bool
    fail_on: Severity | None  # None: never
    max_findings: Mapping[Severity, int] | None
    min_confidence: float | None = None


@dataclasses.dataclass(frozen=True)
class Settings:
    model: str
    base_url: str
    api: str
    reasoning_effort: str
    max_output_tokens: int
    stream: bool
    fail_on: Severity | None  # None: never
    max_findings: Mapping[Severity, int]
    unchanged_lines: str
    overrides: tuple[Override, ...]
    exclude: tuple[str, ...]
    max_file_bytes: int
    context_lines: int
    max_request_tokens: int
    max_concurrency: int
    max_run_tokens: int
    max_run_cost: float
    cache: bool
    instructions: str
    paths: tuple[str, ...]
    verify: bool
    verify_model: str
    verify_reasoning_effort: str
    sensitive: tuple[str, ...]
    cache_dir: str
    on_error: str
    timeout: float
    connect_timeout: float
    deadline: float
    retries: int
    allow_http: bool
    ca_bundle: str
    # Confidence threshold and baseline (issue 5).
    min_confidence: float
    baseline: str
    # Failure handling: retries.
    retry_backoff: float
    # Secrets and privacy.
    never_send: tuple[str, ...]
    redact: bool
    zero_data_retention: bool
    provider_order: tuple[str, ...]
    provider_only: tuple[str, ...]
    user: str
    tags: tuple[str, ...]
    profile: str = "review"
    source: str = "built-in defaults"  # where the settings came from, for messages

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def fail_on_for(self, path: str) -> Severity | None:
        from commitgate.glob import matcher

        for o in reversed(self.overrides):
            if o.sets_fail_on and matcher(o.paths)(path):
                return o.fail_on
        return self.fail_on

    @property
    def fail_on_label(self) -> str:
        return NEVER if self.fail_on is None else self.fail_on.label

    def max_findings_for(self, path: str) -> Mapping[Severity, int]:
        from commitgate.glob import matcher

        for o in reversed(self.overrides):
            if o.max_findings is not None and matcher(o.paths)(path):
                return o.max_findings
        return self.max_findings

    def min_confidence_for(self, path: str) -> float:
        from commitgate.glob import matcher

        for o in reversed(self.overrides):
            if o.min_confidence is not None and matcher(o.paths)(path):
                return o.min_confidence
        return self.min_confidence


def _load_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover (exercised on 3.9/3.10 only)
        import tomli as tomllib
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from None


def find_config(root: str) -> tuple[str | None, dict[str, Any]]:
    """The configuration file of the repository at `root` and its table."""
    path = os.path.join(root, CONFIG_FILE)
    if os.path.exists(path):
        return CONFIG_FILE, _load_toml(path)
    path = os.path.join(root, "pyproject.toml")
    if os.path.exists(path):
        data = _load_toml(path)
        table = data.get("tool", {}).get("commitgate")
        if isinstance(table, dict):
            return "pyproject.toml [tool.commitgate]", table
    return None, {}


def load(
    root: str,
    *,
    config_file: str | None = None,
    profile: str = "review",
    profile_defaults: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    env = os.environ if env is None else env
    if config_file:
        source: str | None = config_file
        table = _load_toml(config_file)
        if os.path.basename(config_file) == "pyproject.toml":
            table = table.get("tool", {}).get("commitgate", {})
            source = f"{config_file} [tool.commitgate]"
    else:
        source, table = find_config(root)
    where = source or "built-in defaults"

    values: dict[str, Any] = {k: v.default for k, v in KEYS.items()}
    top = {k: v for k, v in table.items() if k not in PROFILES}
    values.update(_check_table(top, where))
    values.update(profile_defaults or {})
    profile_table = table.get(profile, {})
    if not isinstance(profile_table, dict):
        raise ConfigError(f"{where}: [{profile}] must be a table of settings")
    values.update(_check_table(profile_table, f"{where} [{profile}]"))

    if env.get("COMMITGATE_MODEL"):
        values["model"] = env["COMMITGATE_MODEL"]
    if env.get("COMMITGATE_BASE_URL"):
        values["base-url"] = env["COMMITGATE_BASE_URL"]
    fields = {k.replace("-", "_"): v for k, v in values.items()}
    return Settings(**fields, profile=profile, source=where)


def _check_table(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        spec = KEYS.get(key)
        if spec is None:
            raise ConfigError(f"{where}: unknown key {key!r}{_did_you_mean(key, KEYS)}")
        out[key] = _check(spec, value, where, key)
    return out


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
    if kind == "strings":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
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
    raise AssertionError(kind)  # pragma: no cover


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


def _overrides(value: Any, where: str) -> tuple[Override, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{where}: 'overrides' must be an array of tables ([[overrides]])")
    out = []
    for i, entry in enumerate(value, 1):
        at = f"{where} [[overrides]] #{i}"
        paths = entry.get("paths")
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            raise ConfigError(f"{at}: 'paths' must be a non-empty list of globs")
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
