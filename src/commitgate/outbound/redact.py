"""Secrets out of what is sent: values that look like keys, tokens or
passwords are replaced, where they stand, by a placeholder naming their kind,
e.g. `[REDACTED:github-token]`.

Lines are never added or removed, so every line keeps its number and findings
are anchored exactly as if nothing had been redacted. Only the values go: the
code around them stays, so the model can still see (and report) that a secret
is hard-coded. What was found is counted by kind; values are never kept.

Where precision and recall pull apart, this leans to redacting: a placeholder
costs the review little, a leaked key costs a rotation. But it must not blank
ordinary code, so:
- an assignment to a secret-sounding name (`password = "..."`) is redacted in
  code only when its value is a string literal (`password = get_password()`
  is code, not a secret), and the value must look like one: no white space,
  not a reference or template (`${VAR}`, `{{ x }}`, `<your-key>`), not a
  variable's name, not words (`"Bearer"`, `"V1SecretReference"`; see
  name_like, which lets about 2% of random 20-character tokens through);
- bare high-entropy strings are redacted only in KEY=VALUE files (`.env`,
  `.properties`, `.ini`...). Hashes elsewhere (git SHAs, npm `integrity`,
  `go.sum`, `poetry.lock` digests) are not secrets and are left alone; the
  price is that a random-looking secret assigned to an innocent name in code
  (`x = "q8Zt..."`) is sent unless it has a provider's recognisable shape.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from typing import Callable, NamedTuple

from commitgate.git.change import ChangedFile
from commitgate.outbound.pem import private_keys
from commitgate.outbound.rules import NAME_TAIL, PASSWORD, RULES, Rule
from commitgate.outbound.shapes import given, placeholder, plausible

__all__ = ["Redacted", "placeholder", "redact", "redact_file", "redact_files"]


class Redacted(NamedTuple):
    lines: tuple[str, ...]
    found: Counter[str]  # how many values of each kind were replaced
    # Lines (from 1) after which a private key block is still open: removed
    # lines of a hunk that starts there are key material too.
    key_lines: frozenset[int] = frozenset()


def redact(path: str, lines: Sequence[str], *, in_key_block: bool = False) -> Redacted:
    """`lines` of the file at `path` with every secret value replaced.

    `in_key_block`: the lines continue a private key block opened before them
    (removed lines in the middle of a key)."""
    found: Counter[str] = Counter()
    work = list(lines)
    text = "\n".join(work)
    key_lines: frozenset[int] = frozenset()
    if in_key_block or "PRIVATE KEY" in text:
        work, keys, key_lines = private_keys(work, in_key_block)
        if keys:
            found["private-key"] = keys
            text = "\n".join(work)
    # Every rule is tried only on the lines that hold one of its keywords,
    # found by plain substring search: most rules never run at all, and the
    # others see a few lines, not the whole file.
    starts = _starts(work)
    lower, lower_starts = text.lower(), starts
    if len(lower) != len(text):  # some letters grow when lower-cased
        lowered = [line.lower() for line in work]
        lower, lower_starts = "\n".join(lowered), _starts(lowered)
    for rule in RULES:
        if rule.only_in is not None and not rule.only_in(path):
            continue
        rows = (
            _rows(lower, lower_starts, rule.keywords)
            if rule.lower
            else _rows(text, starts, rule.keywords)
        )
        if rows:
            replace = _replacer(rule, found)
            for i in sorted(rows):
                work[i] = rule.pattern.sub(replace, work[i])
    return Redacted(tuple(work), found, key_lines)


def _starts(lines: Sequence[str]) -> list[int]:
    return list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))


def _rows(text: str, starts: list[int], keywords: tuple[str, ...]) -> set[int]:
    """The lines of `text` (starting at offsets `starts`) holding a keyword."""
    rows: set[int] = set()
    for k in keywords:
        at = text.find(k)
        while at != -1:
            row = bisect.bisect_right(starts, at) - 1
            rows.add(row)
            at = text.find(k, starts[row + 1])
    return rows


def _replacer(rule: Rule, found: Counter[str]) -> Callable[[re.Match[str]], str]:
    def replace(m: re.Match[str]) -> str:
        group = next(g for g in ("s", "s2", "s3", "u") if g in m.re.groupindex and m.group(g))
        value = m.group(group)
        if rule.kind == "secret":
            name = m.string[m.start() : m.start(group)]
            password = PASSWORD.search(name) is not None
            # A name that *is* a secret (password, api_key, client_secret)
            # holds one whatever it reads like ("correct horse battery
            # staple"): a placeholder where there was a label costs nothing,
            # a password sent costs a great deal. A name that only mentions
            # one (password_label, token_type) holds a secret only if the
            # value looks like one.
            exact = NAME_TAIL.match(name) is not None
            if not (given(value) if exact else plausible(value, 2 if password else 1)):
                return m.group()
            kind = "password" if password else "secret"
        else:
            if "[REDACTED:" in value or (rule.check is not None and not rule.check(value)):
                return m.group()
            kind = rule.kind
        found[kind] += 1
        start, end = m.span(group)
        whole = m.group()
        at = m.start()
        return whole[: start - at] + placeholder(kind) + whole[end - at :]

    return replace


def redact_file(f: ChangedFile) -> tuple[ChangedFile, Counter[str]]:
    """The file as it may be sent: its lines and its removed lines redacted."""
    new = redact(f.path, f.lines)
    found = Counter(new.found)
    hunks = []
    for h in f.hunks:
        if h.removed:
            # The line before the gap: if a key block is open there, the
            # removed lines are part of its body.
            before = h.new_start - 1 if h.new_count else h.new_start
            old = redact(f.path, h.removed, in_key_block=before in new.key_lines)
            found += old.found
            h = h._replace(removed=old.lines)
        hunks.append(h)
    if not found:
        return f, found
    return dataclasses.replace(f, lines=new.lines, hunks=tuple(hunks)), found


def redact_files(files: Sequence[ChangedFile]) -> tuple[list[ChangedFile], Counter[str]]:
    """Copies of the files with their secrets replaced, and what was replaced."""
    out = []
    found: Counter[str] = Counter()
    for f in files:
        clean, kinds = redact_file(f)
        out.append(clean)
        found += kinds
    return out, found
