"""Bytes and tokens sent per changed line of the typical commit, beside the
same files sent whole, and where the bytes go.

Target: at most 150 bytes per changed line, instructions included."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from tests.fake_gateway import FakeGateway

from bench import harness

TARGET = 150.0


class Sent(NamedTuple):
    requests: int
    body_bytes: int
    input_tokens: int  # as the server counts them
    changed_lines: int
    parts: dict[str, int]  # where the bytes of the body go


def breakdown(bodies: list[bytes]) -> dict[str, int]:
    """The bytes of request bodies by what they carry."""
    out = dict.fromkeys(
        ("instructions", "answer schema", "change", "framing", "JSON escaping", "other fields"), 0
    )
    for raw in bodies:
        body = json.loads(raw)
        instructions = json.dumps(body["instructions"], ensure_ascii=False).encode()
        schema = json.dumps(body["text"], ensure_ascii=False, separators=(",", ":")).encode()
        text: str = body["input"]
        lines = text.split("\n")
        # The first line says what to review, the next and the last fence the data.
        framing = sum(len(x.encode()) + 1 for x in (lines[0], lines[1], lines[-1])) - 1
        change = len(text.encode()) - framing
        quoted = len(json.dumps(text, ensure_ascii=False).encode())
        out["instructions"] += len(instructions)
        out["answer schema"] += len(schema)
        out["change"] += change
        out["framing"] += framing
        out["JSON escaping"] += quoted - len(text.encode())
        out["other fields"] += len(raw) - len(instructions) - len(schema) - quoted
    return out


def send(ws: harness.Workspace, gw: FakeGateway, repo: Any, args: list[str]) -> Sent:
    before = len(gw.posts)
    r = harness.run(
        [*harness.script("commitgate"), "--no-cache", "--format", "json", *args],
        repo,
        ws.env(gw.base_url),
    )
    doc = harness.report(r)
    if r.code != 0:
        raise SystemExit(f"bench: commitgate exited {r.code}: {r.stderr.strip()}")
    bodies = [q.body for q in gw.posts[before:]]
    return Sent(
        len(bodies),
        sum(len(b) for b in bodies),
        doc["usage"]["input_tokens"],
        doc["changed_lines"],
        breakdown(bodies),
    )


def main(rounds: int | None = None, save: bool = True, keep: bool = False) -> bool:
    where = harness.machine()
    with harness.Workspace(keep) as ws, FakeGateway() as gw:
        repo, files = harness.typical_repo(ws)
        diff = len(harness.git(repo, ws.env(), "diff", "--staged", "-U3").encode())
        numstat = harness.git(repo, ws.env(), "diff", "--staged", "--numstat")
        changed = sum(
            int(a) + int(d) for a, d, _ in (x.split("\t") for x in numstat.split("\n") if x)
        )
        staged = send(ws, gw, repo, files)
        whole = send(ws, gw, repo, ["--whole", *files])
    if staged.changed_lines != changed:
        raise SystemExit(
            f"bench: commitgate counted {staged.changed_lines} changed lines, git {changed}"
        )
    per_line = staged.body_bytes / changed
    ok = per_line <= TARGET
    rows: list[list[object]] = [
        ["commitgate (the staged change)", staged.requests, f"{staged.body_bytes:,}",
         f"{per_line:.0f}", f"{staged.input_tokens:,}", f"{staged.input_tokens / changed:.1f}"],
        ["commitgate --whole (the 5 files whole)", whole.requests, f"{whole.body_bytes:,}",
         f"{whole.body_bytes / changed:.0f}", f"{whole.input_tokens:,}",
         f"{whole.input_tokens / changed:.1f}"],
        ["`git diff --staged -U3` alone (reference)", "", f"{diff:,}", f"{diff / changed:.0f}",
         "", ""],
    ]  # fmt: skip
    out = [
        f"The typical commit: 5 Python modules, {changed} changed lines (added + removed) in "
        f"several hunks each. Bytes are request bodies as the server received them; tokens "
        "are the server's `input_tokens` (the fake counts 4 bytes a token).",
        "",
        harness.table(
            ["sent", "requests", "bytes", "bytes/changed line", "tokens", "tokens/changed line"],
            rows,
        ),
        "",
        "Where the bytes of the staged-change request go (instructions as JSON, quotes and "
        "escapes included; the change as shown to the model; framing: the line saying what to "
        "review and the two fence lines; JSON escaping: what quoting the change adds; other "
        "fields: model, limits, keys):",
        "",
        harness.table(
            ["part", "bytes", "per changed line"],
            [[k, f"{v:,}", f"{v / changed:.1f}"] for k, v in staged.parts.items()],
        ),
        "",
        f"Target: at most {TARGET:.0f} bytes per changed line, all instructions included: "
        f"{per_line:.0f}, {harness.met(ok)}. (Issue 4 puts other LLM pre-commit hooks at 175 "
        "at best and 210-230 for the others.)",
    ]
    text = "\n".join(out)
    print(text)
    if save:
        harness.save("efficiency", text, where)
    return ok
