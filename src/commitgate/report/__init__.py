"""Reports: one module per format, each reading an Outcome."""

from __future__ import annotations

import importlib

from commitgate.config import Settings
from commitgate.review.outcome import Outcome

# format -> the module that renders it
FORMATS = {
    "text": "commitgate.report.text",
    "json": "commitgate.report.jsonout",
    "sarif": "commitgate.report.sarif",
    "github": "commitgate.report.github",
    "markdown": "commitgate.report.markdown",
    "gitlab": "commitgate.report.gitlab",
    "agent": "commitgate.report.agent",
}


def render(outcome: Outcome, fmt: str, settings: Settings, color: bool = False) -> str:
    module = importlib.import_module(FORMATS[fmt])
    if fmt == "text":
        text: str = module.render(outcome, settings, color=color)
    else:
        text = module.render(outcome, settings)
    return text
