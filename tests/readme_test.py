"""The README documents what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from commitgate import config

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
CI = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", README, re.MULTILINE))
    assert documented == set(config.KEYS)


def test_ci_runs_the_readme_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    setup = next(b.strip() for b in blocks if "pip install -e" in b)
    test = next(b.strip() for b in blocks if "pytest" in b)
    assert setup in CI
    assert test in CI
