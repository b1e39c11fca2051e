"""`commitgate init`: a commitgate.toml with every setting commented out at
its default, written from config.KEYS so it never drifts from the code, and
the lines to add to .pre-commit-config.yaml. It never overwrites a file."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from commitgate import HOME_PAGE, __version__, config, git
from commitgate.commands import Parser
from commitgate.errors import UsageError
from commitgate.severity import MEANING, Severity

WIDTH = 88

SNIPPET = f"""\
repos:
  - repo: {HOME_PAGE}
    rev: v{__version__}
    hooks:
      - id: commitgate
"""

# An array of tables must come last: keys after it would belong to it.
OVERRIDES_EXAMPLE = """\
# [[overrides]]
# paths = ["tests/**"]
# fail-on = "critical"
"""


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Severity):
        return json.dumps(value.label)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string
    if isinstance(value, Mapping):
        items = [f"{_key(k)} = {toml_value(v)}" for k, v in value.items()]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")  # pragma: no cover


def _key(key: object) -> str:
    return key.label if isinstance(key, Severity) else json.dumps(str(key))


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH - 2, initial_indent="# ", subsequent_indent="# ")


def config_text() -> str:
    lines = [
        f"# commitgate settings ({HOME_PAGE}).",
        "# Every setting is shown at its default, commented out: uncomment a line to",
        "# change it.",
        "#",
        "# The settings that only you decide (which servers to trust, a CA bundle,",
        "# plain http) are not here: a repository's file may not set them. They go in",
        "# your own configuration, ~/.config/commitgate/config.toml.",
        "#",
        "# Severities, from the top:",
    ]
    for s in sorted(Severity, reverse=True):
        lines += textwrap.wrap(
            f"{s.label}: {MEANING[s]}", WIDTH, initial_indent="#   ", subsequent_indent="#     "
        )
    tables = []
    for name, key in config.KEYS.items():
        if key.scope == "user":
            continue
        doc = key.doc
        if key.choices:
            doc += f" (one of: {', '.join(key.choices)})"
        if key.kind == "severity":
            doc += f" (one of: {', '.join(s.label for s in sorted(Severity, reverse=True))})"
        if key.kind == "overrides":
            tables += ["", *_comment(doc), OVERRIDES_EXAMPLE.rstrip("\n")]
            continue
        lines += ["", *_comment(doc), f"# {name} = {toml_value(key.default)}"]
    return "\n".join(lines + tables) + "\n"


def main(argv: list[str]) -> int:
    Parser(
        prog="commitgate init",
        description=f"Write {config.CONFIG_FILE} at the root of the repository (never "
        "overwriting one) and show what to add to .pre-commit-config.yaml.",
    ).parse_args(argv)
    repo = git.find_repo()
    path = os.path.join(repo.root, config.CONFIG_FILE)
    if os.path.lexists(path):
        print(f"commitgate: {config.CONFIG_FILE} already exists: left as it is")
    elif config.find_config(repo.root)[0] is not None:
        # A commitgate.toml would silently take the place of those settings.
        print(
            "commitgate: settings are already in pyproject.toml [tool.commitgate]: "
            f"no {config.CONFIG_FILE} written"
        )
    else:
        try:
            with open(path, "x", encoding="utf-8") as f:
                f.write(config_text())
        except OSError as e:
            raise UsageError(f"cannot write {path}: {e.strerror}") from None
        print(f"commitgate: wrote {config.CONFIG_FILE}: every setting, at its default")
    _print_snippet(repo.root)
    return 0


def _print_snippet(root: str) -> None:
    pre_commit = os.path.join(root, ".pre-commit-config.yaml")
    try:
        with open(pre_commit, encoding="utf-8", errors="replace") as f:
            if "id: commitgate" in f.read():
                print("commitgate: .pre-commit-config.yaml already runs the hook")
                return
        where = "Add to .pre-commit-config.yaml, under `repos:`"
        snippet = SNIPPET.split("\n", 1)[1]
    except FileNotFoundError:
        where, snippet = "Create .pre-commit-config.yaml with", SNIPPET
    print(f"\n{where}:\n\n{snippet}")
    print(
        "then run `pre-commit install`, and give the hook a key: set AI_GATEWAY_API_KEY,\n"
        "or VERCEL_OIDC_TOKEN (`vercel env pull`)."
    )
