"""Feature switches for the worker, read from the environment at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    return bool(environ.get(name, default))


def env_int(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


@dataclass(frozen=True)
class Flags:
    dry_run: bool
    send_email: bool
    verbose: bool
    concurrency: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Flags:
        return cls(
            dry_run=env_bool("WORKER_DRY_RUN", False, environ),
            send_email=env_bool("WORKER_SEND_EMAIL", True, environ),
            verbose=env_bool("WORKER_VERBOSE", False, environ),
            concurrency=env_int("WORKER_CONCURRENCY", 4, environ),
        )
