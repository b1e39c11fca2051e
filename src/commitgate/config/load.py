"""Settings: `commitgate.toml`, or `[tool.commitgate]` in pyproject.toml.

Every key is declared once in KEYS, with its type, default and meaning; the
loader, the error messages and `commitgate init` all read that table. Values
are layered, last wins: built-in defaults, the file's top-level keys, the
profile's own defaults, the file's table for that profile (e.g. `[security]`),
then the COMMITGATE_MODEL / COMMITGATE_BASE_URL environment variables.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from commitgate.config.keys import CONFIG_FILE, KEYS, PROFILES
from commitgate.config.settings import Settings
from commitgate.config.values import check_table
from commitgate.errors import ConfigError


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
    values.update(check_table(top, where))
    values.update(profile_defaults or {})
    profile_table = table.get(profile, {})
    if not isinstance(profile_table, dict):
        raise ConfigError(f"{where}: [{profile}] must be a table of settings")
    values.update(check_table(profile_table, f"{where} [{profile}]"))

    if env.get("COMMITGATE_MODEL"):
        values["model"] = env["COMMITGATE_MODEL"]
    if env.get("COMMITGATE_BASE_URL"):
        values["base-url"] = env["COMMITGATE_BASE_URL"]
    fields = {k.replace("-", "_"): v for k, v in values.items()}
    return Settings(**fields, profile=profile, source=where)
