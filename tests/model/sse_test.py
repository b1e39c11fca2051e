from __future__ import annotations

from commitgate.model.sse import events


def test_events() -> None:
    lines = [
        ": keep-alive",
        "event: a",
        'data: {"x":',
        "data: 1}",
        "",
        "",
        "data:no-space",
        "",
        "event: b",
        "id: 7",
        "retry: 10",
        "data: last",
    ]
    assert list(events(lines)) == [("a", '{"x":\n1}'), (None, "no-space"), ("b", "last")]


def test_crlf_and_event_without_data() -> None:
    assert list(events(["event: x\r\n", "\r\n", "data: y\r\n", "\r\n"])) == [(None, "y")]
