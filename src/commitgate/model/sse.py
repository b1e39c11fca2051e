"""Server-sent events, as the WHATWG spec frames them (the parts a model API uses)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def events(lines: Iterable[str]) -> Iterator[tuple[str | None, str]]:
    """(event name, data) for each event; data lines are joined with "\\n"."""
    name: str | None = None
    data: list[str] = []
    for line in lines:
        line = line.rstrip("\r\n")
        if not line:
            if data:
                yield name, "\n".join(data)
            name, data = None, []
            continue
        if line.startswith(":"):
            continue  # a comment, e.g. a keep-alive
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "data":
            data.append(value)
        elif field == "event":
            name = value
    if data:
        # No blank line after the last event: the connection was closed.
        # Pass it on; the reader decides whether the answer is complete.
        yield name, "\n".join(data)
