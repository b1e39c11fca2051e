"""Settings: `commitgate.toml`, or `[tool.commitgate]` in pyproject.toml, on
top of the user's own configuration file.

Values are layered, last wins: built-in defaults; the user configuration
file's top-level keys; the repository file's; the profile's own defaults;
the user file's table for the profile (e.g. `[security]`); the repository
file's; then the COMMITGATE_MODEL / COMMITGATE_BASE_URL environment
variables. Settings of the user's own (`trusted-servers`, `ca-bundle`,
`allow-http`) are read from the user file only: a repository must not
decide whom to trust. Where base-url came from is kept (see trust.py).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from typing import Any, Callable, Optional

from commitgate.config.keys import CONFIG_FILE, KEYS, PROFILES
from commitgate.config.settings import Settings
from commitgate.config.trust import REPOSITORY, USER, user_config_path
from commitgate.config.values import check_table
from commitgate.errors import ConfigError


def read_toml(path: str, shown: str | None = None) -> dict[str, Any]:
    shown = shown or path
    try:
        with open(path, "rb") as f:
            data = f.read()
    except IsADirectoryError:
        raise ConfigError(f"{shown}: cannot read: a directory") from None
    except OSError as e:
        raise ConfigError(f"{shown}: cannot read: {e.strerror}") from None
    return parse_toml(data, shown)


def parse_toml(data: bytes, shown: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover (exercised on 3.9/3.10 only)
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{shown}: invalid TOML: {e}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: invalid TOML: not UTF-8 text") from None


# Reads a file at the repository's root by name: its bytes, or None when
# there is none. The working tree's, or (for a range) a commit's.
Reader = Callable[[str], Optional[bytes]]


def _tool_table(data: Mapping[str, Any], shown: str) -> dict[str, Any] | None:
    """`[tool.commitgate]` of a pyproject.toml, None when it has none."""
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(f"{shown}: 'tool' must be a table ([tool.commitgate])")
    table = tool.get("commitgate")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{shown}: 'tool.commitgate' must be a table of settings")
    return table


def find_config(
    root: str, read: Reader | None = None, at: str = ""
) -> tuple[str | None, dict[str, Any], tuple[str, ...]]:
    """The configuration file of the repository at `root`, its table, and
    what the user should know about it (a second file that is ignored).
    `read`: where the files are read from (default: the working tree),
    `at`: how to name that place ("at 1a2b3c4d5e6f")."""
    read = read or _working_tree(root)
    suffix = f" at {at[:12]}" if at else ""
    ours = read(CONFIG_FILE)
    pyproject = read("pyproject.toml")
    if ours is not None:
        table = parse_toml(ours, CONFIG_FILE + suffix)
        beside = None
        if pyproject is not None:
            with contextlib.suppress(ConfigError):  # not ours to judge: it is not read
                beside = _tool_table(parse_toml(pyproject, "pyproject.toml"), "pyproject.toml")
        ignored: tuple[str, ...] = ()
        if beside is not None:
            ignored = (
                f"settings read from {CONFIG_FILE}; [tool.commitgate] in pyproject.toml "
                "is ignored (keep one of the two)",
            )
        return CONFIG_FILE + suffix, table, ignored
    if pyproject is not None:
        shown = "pyproject.toml" + suffix
        tool = _tool_table(parse_toml(pyproject, shown), shown)
        if tool is not None:
            return f"{shown} [tool.commitgate]", tool, ()
    return None, {}, ()


def _working_tree(root: str) -> Reader:
    def read(name: str) -> bytes | None:
        path = os.path.join(root, name)
        if name == CONFIG_FILE and not os.path.exists(path):
            return None
        if name != CONFIG_FILE and not os.path.isfile(path):
            return None
        try:
            with open(path, "rb") as f:
                return f.read()
        except IsADirectoryError:
            raise ConfigError(f"{name}: cannot read: a directory") from None
        except OSError as e:
            raise ConfigError(f"{name}: cannot read: {e.strerror}") from None

    return read


def _user_config(env: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    path = user_config_path(env)
    if not os.path.exists(path):
        return path, {}
    return path, read_toml(path)


def _split(table: Mapping[str, Any], profile: str, where: str) -> tuple[dict[str, Any], Any]:
    top = {k: v for k, v in table.items() if k not in PROFILES}
    profile_table = table.get(profile, {})
    if not isinstance(profile_table, dict):
        raise ConfigError(f"{where}: [{profile}] must be a table of settings")
    return top, profile_table


def _no_user_keys(values: Mapping[str, Any], where: str, user_file: str) -> None:
    """A repository's file may not set what only the user decides."""
    for key in values:
        if KEYS[key].scope == "user":
            raise ConfigError(
                f"{where}: {key!r} is a setting of yours, not of the repository: set it in "
                f"{user_file}"
            )


def load(
    root: str,
    *,
    config_file: str | None = None,
    profile: str = "review",
    profile_defaults: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    read: Reader | None = None,
    at: str = "",
) -> Settings:
    """The settings. `read` and `at`: read the repository's configuration
    from elsewhere than its working tree (a range review reads it as of the
    range's base, see main.py)."""
    env = os.environ if env is None else env
    warnings: tuple[str, ...] = ()
    if config_file:
        # Named on the command line, which a repository writes too (a hook's
        # `args` in .pre-commit-config.yaml): as untrusted as the repository.
        source: str | None = config_file
        table = read_toml(config_file)
        if os.path.basename(config_file) == "pyproject.toml":
            table = _tool_table(table, config_file) or {}
            source = f"{config_file} [tool.commitgate]"
    else:
        source, table, warnings = find_config(root, read, at)
    where = source or "built-in defaults"
    user_file, user_table = _user_config(env)

    values: dict[str, Any] = {k: v.default for k, v in KEYS.items()}
    chosen = {"by": "default", "where": "the default"}

    def layer(table: Mapping[str, Any], at: str, by: str) -> None:
        checked = check_table(table, at)
        if by == REPOSITORY:
            _no_user_keys(checked, at, user_file)
        elif checked.get("ca-bundle"):
            # Relative to the file that names it, wherever the hook runs.
            bundle = os.path.expanduser(checked["ca-bundle"])
            checked["ca-bundle"] = os.path.join(os.path.dirname(user_file), bundle)
        values.update(checked)
        if "base-url" in checked:
            chosen.update(by=by, where=at)

    user_top, user_profile = _split(user_table, profile, user_file)
    repo_top, repo_profile = _split(table, profile, where)
    layer(user_top, user_file, USER)
    layer(repo_top, where, REPOSITORY)
    values.update(profile_defaults or {})
    layer(user_profile, f"{user_file} [{profile}]", USER)
    layer(repo_profile, f"{where} [{profile}]", REPOSITORY)

    if env.get("COMMITGATE_MODEL"):
        values["model"] = env["COMMITGATE_MODEL"]
    if env.get("COMMITGATE_BASE_URL"):
        values["base-url"] = env["COMMITGATE_BASE_URL"]
        chosen.update(by=USER, where="COMMITGATE_BASE_URL")
    if values["agree"] > values["passes"]:
        raise ConfigError(
            f"{where}: 'agree' ({values['agree']}) must be at most 'passes' ({values['passes']})"
        )
    given = values["instructions"]
    if not isinstance(given, str):
        # [[instructions]]: those without paths are for every file.
        values["instructions"] = "\n\n".join(t for paths, t in given if not paths)
        scoped = tuple((paths, t) for paths, t in given if paths)
    else:
        scoped = ()
    fields = {k.replace("-", "_"): v for k, v in values.items()}
    return Settings(
        scoped_instructions=scoped,
        **fields,
        profile=profile,
        source=where,
        server_chosen_by=chosen["by"],
        server_where=chosen["where"],
        user_file=user_file,
        warnings=warnings,
        trusted_at=at if read is not None and not config_file else "",
    )
