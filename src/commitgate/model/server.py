"""What a server that is not the gateway can do: found out once, adapted to,
remembered.

"Any OpenAI-compatible server" differs in what it takes. llama.cpp's
llama-server answers /v1/responses but ignores its answer format, and
tells its context size in /v1/models (`meta.n_ctx`) and how many requests
it runs at once in /props (`total_slots`); llama-cpp-python has no
/v1/responses, refuses the json_schema answer format (with an HTTP 500)
but takes json_object with a schema, and says its context size only when
a prompt is too large. So, as the best clients do: ask the server what it
is (its /models list, once a day), adapt when it refuses something, and
remember what worked, per server, in `<git common dir>/commitgate/
servers.json`, saying in one line what was adapted.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

FILE = os.path.join("commitgate", "servers.json")
MAX_AGE = 24 * 3600  # seconds what was found out is trusted
DISCOVER_SECONDS = 3.0

# The answer formats of chat completions, most exact first: the schema as
# OpenAI takes it; json_object with the schema beside it (llama-cpp-python,
# llama-server); json_object alone, the schema said in the instructions.
FORMS = ("json_schema", "json_object_schema", "json_object")
FORM_NAMES = {
    "json_schema": "json_schema",
    "json_object_schema": "json_object with the schema",
    "json_object": "json_object, the schema in the instructions",
}


class Profile(NamedTuple):
    """What is known of one server. None: not known (yet)."""

    api: str | None = None  # responses | chat: the API that gave structured answers
    form: str | None = None  # the chat answer format that worked (FORMS)
    window: int | None = None  # tokens one request may hold (prompt and answer)
    slots: int | None = None  # requests it runs at once
    # Parameters a model refused, by model: sent no more ("temperature", "reasoning").
    refused: Mapping[str, tuple[str, ...]] = {}
    checked_at: float = 0.0  # when /models was last asked
    # The server's tokens per token of commitgate's estimate (model/tokens.py),
    # as its answers and refusals showed: its tokenizer may count more.
    density: float = 1.0
    # The one model a server lists, when it lists one and not the model asked
    # for: a local server serves it under any name. Whether to send a
    # temperature is a question about it, not about the name asked for.
    serves: str | None = None

    def fresh(self, now: float | None = None) -> bool:
        return 0 <= (now or time.time()) - self.checked_at < MAX_AGE

    def refuses(self, model: str, parameter: str) -> bool:
        return parameter in self.refused.get(model, ())

    def refusing(self, model: str, parameter: str) -> Profile:
        have = self.refused.get(model, ())
        if parameter in have:
            return self
        return self._replace(refused={**self.refused, model: (*have, parameter)})


def load(common_dir: str, key: str) -> Profile:
    """The profile kept for the server `key` (its normalised URL)."""
    try:
        with open(os.path.join(common_dir, FILE), encoding="utf-8") as f:
            entry = json.load(f).get(key)
        if not isinstance(entry, dict):
            return Profile()
        kept = entry.get("refused") or {}
        refused = {str(m): tuple(map(str, ps)) for m, ps in kept.items() if isinstance(ps, list)}
        return Profile(
            _choice(entry.get("api"), ("responses", "chat")),
            _choice(entry.get("form"), FORMS),
            _count(entry.get("window")),
            _count(entry.get("slots")),
            refused,
            float(entry.get("checked_at") or 0.0),
            max(1.0, min(4.0, float(entry.get("density") or 1.0))),
            str(entry["serves"]) if isinstance(entry.get("serves"), str) else None,
        )
    except (OSError, ValueError, TypeError, AttributeError):
        return Profile()  # a damaged file is forgotten, never an error


def save(common_dir: str, key: str, profile: Profile) -> None:
    path = os.path.join(common_dir, FILE)
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data[key] = {
        "api": profile.api,
        "form": profile.form,
        "window": profile.window,
        "slots": profile.slots,
        "refused": {m: list(ps) for m, ps in sorted(profile.refused.items())},
        "checked_at": profile.checked_at,
        "density": round(profile.density, 3),
        "serves": profile.serves,
    }
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, path)  # readers never see half a file
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def discover(
    base_url: str, model: str, profile: Profile, headers: dict[str, str], ca_bundle: str
) -> tuple[Profile, Any]:
    """The profile, with what the server's /models list (and llama-server's
    /props) says: which API to use when none is known, the context size,
    the slots; and the list itself (its prices are kept too). Asked once a
    day; a server that says nothing is asked no more often."""
    from commitgate.model.endpoint import fetch_json

    found = fetch_json(
        f"{base_url}/models", headers=headers, ca_bundle=ca_bundle, seconds=DISCOVER_SECONDS
    )
    entries = found.get("data") if isinstance(found, dict) else None
    entries = [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    mine = next((e for e in entries if e.get("id") == model), None)
    window = profile.window
    api = profile.api
    slots = profile.slots
    llama = [e for e in entries if e.get("owned_by") == "llamacpp"]
    if llama:
        # llama-server: each request may use one slot's context.
        meta = llama[0].get("meta")
        window = _count(meta.get("n_ctx")) if isinstance(meta, dict) else window
        props = fetch_json(
            f"{_root(base_url)}/props",
            headers=headers,
            ca_bundle=ca_bundle,
            seconds=DISCOVER_SECONDS,
        )
        if isinstance(props, dict):
            slots = _count(props.get("total_slots")) or slots
        # Its /v1/responses ignores the answer format: chat, which keeps it.
        api = api or "chat"
    elif any(_count(e.get("context_window")) for e in entries):
        # A gateway-like list (the AI Gateway's own shape): it serves the
        # Responses API, and says how large a request may be.
        window = _count((mine or {}).get("context_window")) or window
        api = api or "responses"
    else:
        # Every OpenAI-compatible server speaks chat completions; few give
        # structured answers on /v1/responses.
        api = api or "chat"
    ids = [e["id"] for e in entries if isinstance(e.get("id"), str)]
    serves = ids[0] if len(ids) == 1 and ids[0] != model else None
    found_profile = profile._replace(
        api=api, window=window, slots=slots, checked_at=time.time(), serves=serves
    )
    return found_profile, found


def _root(base_url: str) -> str:
    """llama-server's own endpoints sit beside /v1, not under it."""
    return base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url


def _choice(value: Any, choices: tuple[str, ...]) -> str | None:
    return value if value in choices else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
