"""Time to the first token and throughput, as commitgate measures them from
the stream, against the loopback gateway answering at a known pace: the
check that what the report says is what happened.

The gateway waits LATENCY seconds before its first byte, then sends the
events of a streamed answer DELAY seconds apart: six before the first text
(created, in progress, the reasoning item twice, the message item, its
content part), then PIECES text deltas. So the first token comes LATENCY +
6 x DELAY after the request, and the text streams over (PIECES - 1) x
DELAY seconds, at its visible tokens (the fake counts a token per 4
characters) over that time. Both APIs, several rounds.

Target: measured within 15% of the known figures (plus 50 ms for the first
token: a process and a connection are in between)."""

from __future__ import annotations

import json
import math
import statistics
from typing import Any

from tests.fake_gateway import FakeGateway, ReviewInput

from bench import harness

LATENCY, DELAY, PIECES = 0.6, 0.05, 24
BEFORE_TEXT = 6  # Responses API events before the first text delta (see the docstring)
ANSWER = {
    "findings": [
        {
            "path": "app.py",
            "line": 1,
            "severity": "low",
            "title": "a finding long enough to stream in pieces, " * 3,
            "message": "with a message that gives the stream something to carry " * 4,
        }
    ]
}
TOLERANCE = 0.15


def _reviewer(ri: ReviewInput) -> dict[str, Any]:
    return ANSWER


def main(rounds: int | None = None, save: bool = True, keep: bool = False) -> bool:
    rounds = rounds or 5
    where = harness.machine()
    text = json.dumps(ANSWER)
    visible = math.ceil(len(text) / 4)
    expected_first = LATENCY + BEFORE_TEXT * DELAY
    expected_rate = visible / ((PIECES - 1) * DELAY)
    rows = []
    ok = True
    with harness.Workspace(keep=keep) as ws, FakeGateway(latency=LATENCY) as gw:
        gw.reviewer = _reviewer
        gw.piece_delay = DELAY
        gw.stream_pieces = PIECES
        gw.reasoning_tokens = 0
        repo = ws.repo("speed")
        harness.write(repo, {"app.py": b"x = 1\n"})
        harness.commit(repo, ws.env())
        harness.write(repo, {"app.py": b"x = 2\n"})
        harness.git(repo, ws.env(), "add", "-A")
        for api in ("responses", "chat"):
            (repo.parent / f"{api}.toml").write_text(f'api = "{api}"\nverify = false\n')
            firsts, rates = [], []
            for _ in range(rounds):
                r = harness.run(
                    [
                        *harness.script("commitgate"),
                        "--no-cache",
                        "--format",
                        "json",
                        "--config",
                        str(repo.parent / f"{api}.toml"),
                    ],
                    repo,
                    ws.env(gw.base_url),
                )
                speed = harness.report(r)["speed"]
                firsts.append(speed["first_token_seconds"])
                rates.append(speed["output_tokens_per_second"])
            # Chat streams have no events before the text but the role chunk.
            known_first = expected_first if api == "responses" else LATENCY + DELAY
            first, rate = statistics.median(firsts), statistics.median(rates)
            good = (
                abs(first - known_first) <= TOLERANCE * known_first + 0.05
                and abs(rate - expected_rate) <= TOLERANCE * expected_rate
            )
            ok = ok and good
            rows.append(
                [
                    api,
                    f"{known_first:.2f} s",
                    f"{first:.2f} s ({min(firsts):.2f}-{max(firsts):.2f})",
                    f"{expected_rate:,.0f}",
                    f"{rate:,.0f} ({min(rates):,.0f}-{max(rates):,.0f})",
                    harness.met(good),
                ]
            )
    body = f"""\
The loopback gateway answers after {LATENCY} s, then sends the events of a streamed answer
{DELAY} s apart: {PIECES} text deltas, {visible} visible output tokens. Median (min-max) of
{rounds} runs per API; commitgate's `--format json` report, `speed`.

{
        harness.table(
            [
                "API",
                "first token, known",
                "first token, measured",
                "tokens/s, known",
                "tokens/s, measured",
                "within 15%",
            ],
            rows,
        )
    }

Target: both within 15% of the known figures: {harness.met(ok)}.
"""
    print(body)
    if save:
        harness.save("speed", body, where)
    return ok
