"""Settings: `commitgate.toml`, or `[tool.commitgate]` in pyproject.toml.

keys.py      every setting, declared once (type, default, meaning)
values.py    checking a table of settings against KEYS
settings.py  Settings, the frozen object a run reads
load.py      finding the files and layering them
"""

from __future__ import annotations

from commitgate.config.keys import (
    CONFIG_FILE,
    DEFAULT_BASE_URL,
    DEFAULT_MODEL,
    KEYS,
    NEVER,
    OVERRIDE_KEYS,
    PROFILES,
    Key,
)
from commitgate.config.load import find_config, load
from commitgate.config.settings import Override, Settings

__all__ = [
    "CONFIG_FILE",
    "DEFAULT_BASE_URL",
    "DEFAULT_MODEL",
    "KEYS",
    "NEVER",
    "OVERRIDE_KEYS",
    "PROFILES",
    "Key",
    "Override",
    "Settings",
    "find_config",
    "load",
]
