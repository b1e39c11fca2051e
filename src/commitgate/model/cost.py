"""What a run cost, in dollars.

The gateway's own figure when every answer carried one; otherwise the tokens
priced from the server's `GET /models` list (fetched at most once a day and
kept in `<git common dir>/commitgate/models.json`), else from the published
figures below, and marked as an estimate. Pricing is a courtesy: it never
fails or noticeably delays a review, and a run that sent nothing fetches
nothing (not even httpx is imported).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from commitgate.config import Settings
from commitgate.model.wire import Usage

CACHE_FILE = os.path.join("commitgate", "models.json")
MAX_AGE = 24 * 3600  # seconds a fetched price list is trusted
FETCH_TIMEOUT = 3.0  # seconds for the whole fetch: pricing must not hold up a commit
MAX_LIST_BYTES = 8 * 1024 * 1024


class Price(NamedTuple):
    """USD per token."""

    input: float
    cached_input: float
    output: float

    def of(self, usage: Usage) -> float:
        cached = min(usage.cached_tokens, usage.input_tokens)
        # Reasoning tokens are billed as output and already counted in it.
        return (
            (usage.input_tokens - cached) * self.input
            + cached * self.cached_input
            + usage.output_tokens * self.output
        )


# Published figures (docs: USD per million tokens, input / cached input / output).
TABLE: dict[str, Price] = {
    "openai/gpt-5.1-codex-mini": Price(0.25e-6, 0.025e-6, 2.00e-6),
    "openai/gpt-5.1-codex": Price(1.25e-6, 0.125e-6, 10.00e-6),
    "openai/gpt-5.1-codex-max": Price(1.25e-6, 0.125e-6, 10.00e-6),
}


class Cost(NamedTuple):
    usd: float
    estimated: bool
    source: str  # gateway | models (the server's price list) | table (built in)

    def label(self) -> str:
        amount = f"${self.usd:.4f}" if self.usd == 0 or self.usd >= 0.00005 else "<$0.0001"
        return f"~{amount} est." if self.estimated else amount


def of_run(usage_by_model: Mapping[str, Usage], settings: Settings, common_dir: str) -> Cost | None:
    """The cost of the requests a run made, model by model (a review and its
    second opinion are priced differently); None when it made none, or a
    model's price is unknown (a local server, say)."""
    total = sum(usage_by_model.values(), Usage())
    if not total.requests:
        return None
    if total.cost is not None and total.priced >= total.requests:
        return Cost(total.cost, False, "gateway")
    usd, sources = 0.0, set()
    for model, usage in sorted(usage_by_model.items()):
        found = price(settings, common_dir, fetch=True, model=model)
        if found is None:
            return None
        usd += found[0].of(usage)
        sources.add(found[1])
    return Cost(usd, True, "models" if sources == {"models"} else "table")


def of_input(
    tokens_by_model: Sequence[tuple[str, int]], settings: Settings, common_dir: str
) -> Cost | None:
    """An estimate for sending requests of so many tokens to these models (a
    dry run): no network, only what is already known."""
    usd, sources = 0.0, set()
    for model, tokens in tokens_by_model:
        found = price(settings, common_dir, fetch=False, model=model)
        if found is None:
            return None
        usd += tokens * found[0].input
        sources.add(found[1])
    return Cost(usd, True, "models" if sources == {"models"} else "table")


def price(
    settings: Settings, common_dir: str, *, fetch: bool, model: str | None = None
) -> tuple[Price, str] | None:
    path = os.path.join(common_dir, CACHE_FILE)
    base_url = settings.base_url.rstrip("/")
    stored = _read(path, base_url)
    prices = stored[1] if stored else {}
    fresh = stored is not None and 0 <= time.time() - stored[0] < MAX_AGE
    if fetch and not fresh:
        fetched = _fetch(base_url, settings.ca_bundle)
        # A failed fetch is remembered too (keeping the last prices known),
        # so that a server without a price list is not asked on every commit.
        if fetched is not None:
            prices = fetched
        _write(path, base_url, prices)
    model = model or settings.model
    if model in prices:
        return prices[model], "models"
    if model in TABLE and settings.server.is_gateway:
        # The published prices are the gateway's: another server that
        # answers to the same name (a local one serves any name) costs
        # what it costs, and no made-up dollar figure is shown.
        return TABLE[model], "table"
    return None


def remember(common_dir: str, base_url: str, body: Any) -> None:
    """Keep the prices of a /models list already fetched (to find out what
    the server is): the cost of the run then asks for it no second time."""
    if body is not None:
        _write(os.path.join(common_dir, CACHE_FILE), base_url.rstrip("/"), parse_models(body))


def _read(path: str, base_url: str) -> tuple[float, dict[str, Price]] | None:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if data.get("base_url") != base_url:
            return None
        prices = {str(k): Price(*map(float, v)) for k, v in data["prices"].items()}
        return float(data["fetched_at"]), prices
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _write(path: str, base_url: str, prices: Mapping[str, Price]) -> None:
    data = {
        "base_url": base_url,
        "fetched_at": time.time(),
        "prices": {k: list(v) for k, v in sorted(prices.items())},
    }
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
        os.replace(tmp, path)  # readers never see half a file
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _fetch(base_url: str, ca_bundle: str) -> dict[str, Price] | None:
    """The server's price list; None on any failure. No credential: the
    list is public, and a key has no business here."""
    from commitgate.model.endpoint import fetch_json

    body = fetch_json(
        f"{base_url}/models", ca_bundle=ca_bundle, seconds=FETCH_TIMEOUT, max_bytes=MAX_LIST_BYTES
    )
    return None if body is None else parse_models(body)


def parse_models(body: Any) -> dict[str, Price]:
    """Prices from a `/models` answer; entries without a usable price are skipped."""
    out: dict[str, Price] = {}
    entries = body.get("data") if isinstance(body, Mapping) else None
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
            continue
        pricing = entry.get("pricing")
        if not isinstance(pricing, Mapping):
            continue
        inp, out_ = _per_token(pricing.get("input")), _per_token(pricing.get("output"))
        if inp is None or out_ is None:
            continue
        cached = _per_token(pricing.get("input_cache_read"))
        out[entry["id"]] = Price(inp, inp if cached is None else cached, out_)
    return out


def _per_token(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        n = float(value)
    except ValueError:
        return None
    return n if math.isfinite(n) and n >= 0 else None
