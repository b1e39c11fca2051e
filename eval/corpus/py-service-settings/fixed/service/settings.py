"""Settings for the ingest service: defaults, then the JSON file, then the environment."""

from __future__ import annotations

import copy
import json
import os
from typing import Any, Mapping

DEFAULTS: dict[str, dict[str, Any]] = {
    "server": {"host": "127.0.0.1", "port": 8080, "workers": 2},
    "database": {"url": "sqlite:///ingest.db", "pool_size": 5, "connect_timeout": 10.0},
    "queue": {"url": "redis://localhost:6379/0", "batch": 100},
}

ENV_OVERRIDES: dict[str, tuple[str, str, type]] = {
    "INGEST_HOST": ("server", "host", str),
    "INGEST_PORT": ("server", "port", int),
    "INGEST_WORKERS": ("server", "workers", int),
    "INGEST_DATABASE_URL": ("database", "url", str),
    "INGEST_DB_POOL_SIZE": ("database", "pool_size", int),
    "INGEST_DB_TIMEOUT": ("database", "connect_timeout", float),
    "INGEST_QUEUE_URL": ("queue", "url", str),
}


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


def load(path: str | None = None, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    settings = copy.deepcopy(DEFAULTS)
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            _merge(settings, json.load(handle))
    for name, (section, key, kind) in ENV_OVERRIDES.items():
        if name in environ:
            try:
                settings[section][key] = kind(environ[name])
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
    return settings


def pool_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for the connection pool."""
    db = settings["database"]
    return {
        "url": db["url"],
        "size": int(db["pool_size"]),
        "timeout": float(db["connect_timeout"]),
    }
