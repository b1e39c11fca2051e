"""Reports: one module per format, each reading an Outcome."""

from __future__ import annotations

from commitgate.config import Settings
from commitgate.outcome import Outcome


def render(outcome: Outcome, fmt: str, settings: Settings) -> str:
    if fmt == "json":
        from commitgate.report import jsonout

        return jsonout.render(outcome, settings)
    from commitgate.report import text

    return text.render(outcome, settings)
