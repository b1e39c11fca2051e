"""Token counts, estimated before a request is sent, and what we know of
models by their names: context windows, and which reason (and so take no
sampling settings)."""

from __future__ import annotations

import re

# Characters per token, on the low side for code (o200k gives ~3.5-4 on
# source; line numbers and indentation push it down), so budgets hold.
CHARS_PER_TOKEN = 3.2

# Estimated tokens of a request's framing and answer schema, beside the
# instructions and what is reviewed.
FRAMING = 300

# Context windows of the models we know (ai-gateway.md); a model we do not
# know is assumed to have a window that every current model has.
CONTEXT_WINDOWS = {
    "openai/gpt-5.1-codex-mini": 400_000,
    "openai/gpt-5.1-codex": 400_000,
    "openai/gpt-5.1-codex-max": 400_000,
}
DEFAULT_CONTEXT_WINDOW = 128_000


def context_window(model: str) -> int:
    return CONTEXT_WINDOWS.get(model, DEFAULT_CONTEXT_WINDOW)


def estimate_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN) + 1


# OpenAI's reasoning models refuse `temperature` and `seed`.
_REASONING = re.compile(r"(?:^|/)(?:gpt-5|o[1-9]\b|o[1-9]-|codex)", re.IGNORECASE)


def takes_sampling(model: str) -> bool:
    """Whether the model takes temperature and seed, as far as its name tells."""
    return _REASONING.search(model) is None
