"""Every setting, declared once: its type, default and meaning. The
loader, the error messages, `commitgate init` and the README's tables all
read KEYS."""

from __future__ import annotations

from typing import Any, NamedTuple

from commitgate.severity import Severity

CONFIG_FILE = "commitgate.toml"
# The user's own settings, outside every repository: <config dir>/commitgate/config.toml.
USER_CONFIG_FILE = "config.toml"
DEFAULT_BASE_URL = "https://ai-gateway.vercel.sh/v1"
DEFAULT_MODEL = "openai/gpt-5.1-codex-mini"


class Key(NamedTuple):
    # str | bool | int | number | severity | choice | strings | globs | counts | overrides
    # | instructions (a string, or [[instructions]] tables of paths and text)
    # | limits (a table of files and lines: whole numbers >= 0)
    # | label (a string of at most 256 characters) | tags (at most 10 of 1-64)
    kind: str
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    minimum: float = 0
    maximum: float = float("inf")
    # "user": a setting of the user's, honoured only from the user
    # configuration file: a repository must not decide whom to trust.
    scope: str = "any"


KEYS: dict[str, Key] = {
    # What reviews, and how.
    "model": Key("str", DEFAULT_MODEL, "the model that reviews the change"),
    "base-url": Key("str", DEFAULT_BASE_URL, "an OpenAI-compatible API; the gateway by default"),
    "api": Key(
        "choice",
        "auto",
        "`auto`: the Responses API on the gateway, and on another server what its /models list "
        "says it serves (chat completions when it says nothing); or `responses`, or `chat`",
        ("auto", "responses", "chat"),
    ),
    "reasoning-effort": Key(
        "choice",
        "medium",
        "how hard the model thinks: more finds more, costs more, takes longer; medium and high "
        "are what gpt-5.1-codex-mini documents (a model that refuses the effort is asked "
        "again without one)",
        ("low", "medium", "high", "xhigh"),
    ),
    "temperature": Key(
        "number",
        0.0,
        "sampling temperature, for models that take one (not OpenAI's reasoning models, "
        "which get none): 0 gives the same answer to the same change",
        maximum=2,
    ),
    "seed": Key(
        "int",
        0,
        "the sampling seed sent with temperature on chat completions, where servers take it",
    ),
    "max-output-tokens": Key("int", 16000, "cap on the answer, reasoning included", minimum=256),
    "stream": Key("bool", True, "stream answers (a stalled answer is noticed at once)"),
    "instructions": Key(
        "instructions",
        "",
        "your own instructions to the model, added to the built-in ones (the project's "
        "conventions, what to watch for): a string, or [[instructions]] tables with `text` "
        "and `paths` globs for the files they are about",
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
    "reanchor": Key(
        "bool",
        # Off: measured on the real model (bench/RESULTS.md, quality), moving
        # findings caught one more bug and blocked one more clean change.
        False,
        "a finding cited beside a changed line, whose words name that line's code, is moved "
        "to it (models often cite a line or two off)",
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
        "globs",
        (),
        "globs of the files this review covers (default: all); files outside "
        "are listed as not reviewed",
    ),
    "exclude": Key("globs", (), "globs of files never reviewed"),
    "never-send": Key(
        "globs",
        (),
        "globs of files never sent, added to the built-in list (.env*, *.pem, id_rsa*, ...); "
        "`!glob` sends files that list holds back",
    ),
    "redact": Key(
        "bool", True, "replace secrets (keys, tokens, passwords) by placeholders before sending"
    ),
    "max-file-bytes": Key("int", 512 * 1024, "files larger than this are not sent", minimum=1),
    "context-lines": Key("int", 3, "unchanged lines shown around each change"),
    "context": Key(
        "choice",
        "lines",
        "what is shown around each change: `lines` (context-lines either side), `function` "
        "(the function or class that holds it), or `file` (the whole file, when small)",
        ("lines", "function", "file"),
    ),
    # Several passes (passes.py).
    "passes": Key(
        "int",
        1,
        "review the change this many times and merge the findings; costs as many times more",
        minimum=1,
        maximum=9,
    ),
    "agree": Key(
        "int",
        1,
        "with several passes: a finding blocks only when at least this many reported it",
        minimum=1,
        maximum=9,
    ),
    # The second opinion before blocking (verify.py).
    "verify": Key("bool", True, "re-check findings that would block with verify-model first"),
    "verify-model": Key(
        "str", "openai/gpt-5.1-codex", "the stronger model that confirms or dismisses them"
    ),
    "verify-reasoning-effort": Key(
        "choice", "medium", "how hard verify-model thinks", ("low", "medium", "high", "xhigh")
    ),
    # The stronger model for what is large or sensitive (escalate.py).
    "escalate": Key(
        "limits",
        {"files": 10, "lines": 500},
        "a change of more files or more changed lines than this is reviewed by "
        "escalate-model, e.g. { files = 10, lines = 500 }; {} never",
    ),
    "escalate-model": Key(
        "str",
        "openai/gpt-5.1-codex",
        "the stronger model for a change over the escalate limits, and for sensitive files",
    ),
    "sensitive": Key(
        "globs", (), 'globs of files reviewed by escalate-model directly, e.g. ["**/auth/**"]'
    ),
    "fix-model": Key(
        "str", "", "the model that writes fixes and tests (`commitgate fix`); default: `model`"
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
    # Whom to trust: only in the user configuration file (see trust.py).
    "trusted-servers": Key(
        "strings",
        (),
        "base URLs besides the gateway and loopback that a repository's own configuration "
        "may send reviews to (user configuration only)",
        scope="user",
    ),
    "allow-http": Key(
        "bool",
        False,
        "allow a plain http:// base-url to a host that is not loopback (user configuration only)",
        scope="user",
    ),
    "ca-bundle": Key(
        "str",
        "",
        "a CA bundle file to verify the server with, instead of the system's "
        "(user configuration only)",
        scope="user",
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
