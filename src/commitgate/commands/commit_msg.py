"""`commitgate commit-msg FILE`: the commit message against the staged change.

pre-commit runs it with git's message file at two stages. At commit-msg, the
message is written: it is checked against the change it describes. At
prepare-commit-msg, before the editor opens, the message is still empty: a
draft is written from the staged change. A message that the user or git
already put there (-m, -F, a template, a merge, a squash, --amend) is never
touched, and nothing is written once the user has written anything.
"""

from __future__ import annotations

import os
import sys
import textwrap
from typing import Any

from commitgate import config, git
from commitgate.commands import Parser
from commitgate.errors import GitError, UsageError
from commitgate.git.change import Change, ChangedFile, Mode
from commitgate.git.content import decode, split_lines
from commitgate.model.tokens import CHARS_PER_TOKEN
from commitgate.review import profiles, prompt

# Where the message shows in the review: never a tracked path, so it can be
# told from the files of the change.
MESSAGE_PATH = ".git/COMMIT_EDITMSG"
SCISSORS = "------------------------ >8 ------------------------"
DRAFT_VERSION = "1"

DRAFT_INSTRUCTIONS = f"""\
You write the commit message for a staged change. The subject: at most 72 \
characters, in the imperative mood ("Fix ...", "Add ..."), saying what the change \
does. The body: a few short lines, wrapped at 72 characters, saying why, and \
what a reviewer must know (a behaviour change, a removal, a migration); empty \
for a trivial change. No Markdown headings, no list of the files, no sign-off.

{prompt.DATA_RULES}"""

DRAFT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"subject": {"type": "string"}, "body": {"type": "string"}},
    "required": ["subject", "body"],
    "additionalProperties": False,
}


def main(argv: list[str]) -> int:
    parser = Parser(prog="commitgate commit-msg", description=__doc__)
    parser.add_argument("file", help="git's commit message file")
    parser.add_argument("--config", metavar="FILE", help="settings file")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    if os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE"):
        # prepare-commit-msg, with a message from -m, -F, a template, a
        # merge, a squash or --amend: it is the user's (or git's), not ours.
        return 0
    try:
        with open(args.file, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise UsageError(f"cannot read the commit message {args.file}: {e.strerror}") from None
    text = decode(raw) or raw.decode("utf-8", "replace")

    profile = profiles.COMMIT_MSG
    repo = git.find_repo()
    settings = config.load(
        repo.root, config_file=args.config, profile=profile.name, profile_defaults=profile.defaults
    )
    message = written(text, comment_char(repo))
    if not message:
        return draft(settings, repo, args.file, text)
    return check(settings, repo, message, args.format)


def comment_char(repo: git.Repo) -> str:
    try:
        value = git.run(["config", "--get", "core.commentChar"], cwd=repo.root).decode().strip()
    except GitError:  # not set: `git config --get` exits 1
        value = ""
    return value if value and value != "auto" else "#"


def written(text: str, comment: str) -> list[str]:
    """The lines of the message as git will commit them: without comment
    lines, without what follows the scissors line, without trailing blanks."""
    lines: list[str] = []
    for line in split_lines(text):
        if line.startswith(comment) and SCISSORS in line:
            break
        if not line.startswith(comment):
            lines.append(line.rstrip())
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def check(settings: config.Settings, repo: git.Repo, message: list[str], fmt: str) -> int:
    """Review the message, with the staged change as its context."""
    from commitgate.report import render
    from commitgate.review.flow import review_change

    if os.path.exists(os.path.join(repo.git_dir, "MERGE_HEAD")):
        print("commitgate: a merge commit: its message is not checked")
        return 0
    staged = git.collect(repo, None, max_bytes=settings.max_file_bytes)
    if not staged.files:
        print("commitgate: passed: no staged change to check the message against")
        return 0
    note = MESSAGE_PATH
    msg = ChangedFile(note, "added", tuple(message))
    change = Change(Mode.STAGED, [msg], staged.not_reviewed, "commit message")
    outcome = review_change(
        settings,
        repo,
        change,
        env=os.environ,
        citable=[msg],
        context={note: _change_text(settings, staged)},
    )
    sys.stdout.write(render(outcome, fmt, settings))
    return outcome.exit_code


def _change_text(settings: config.Settings, staged: Change) -> str:
    """The staged change as the model sees it in a review, cut to half a
    request so that the message and the answer fit beside it."""
    from commitgate.outbound.neversend import hold_back
    from commitgate.review.flow import sendable

    limit = int(settings.max_request_tokens * CHARS_PER_TOKEN / 2)
    parts: list[str] = []
    used = 0
    left_out = 0
    files, _ = sendable(hold_back(staged, settings.never_send).files, settings)
    for f in files:
        for unit in prompt.units(f, settings.context_lines, limit):
            if used + len(unit.text) > limit:
                left_out += 1
                continue
            parts.append(unit.text)
            used += len(unit.text)
    if left_out:
        parts.append(f"### ({left_out} more part(s) of the change not shown: too large)")
    return "\n".join(parts)


def draft(settings: config.Settings, repo: git.Repo, path: str, text: str) -> int:
    """Write a draft message above git's comments. A draft is a convenience:
    when it cannot be had, the commit goes on with an empty message."""
    from commitgate import cache
    from commitgate.model.session import Question, Session

    staged = git.collect(repo, None, max_bytes=settings.max_file_bytes)
    if not staged.files:
        return 0
    body = _change_text(settings, staged)
    opening, closing = prompt.fence([body])
    question = Question(
        settings.model,
        DRAFT_INSTRUCTIONS,
        "\n".join(["Write the commit message for this change.", opening, body, closing]),
        len(body) // 3,
        settings.reasoning_effort,
        DRAFT_SCHEMA,
        "answer",
        _parse_draft,
    )
    key = cache.key(
        "draft",
        DRAFT_VERSION,
        settings.server.key,
        settings.model,
        settings.reasoning_effort,
        question.input,
    )
    store, _ = (
        cache.open_cache(cache.location(settings.cache_dir, repo.root, repo.common_dir))
        if settings.cache
        else (None, None)
    )
    drafted: dict[str, str] | None = None
    try:
        hit = store.get_many([key]).get(key) if store is not None else None
        if isinstance(hit, dict) and isinstance(hit.get("subject"), str):
            drafted = {"subject": hit["subject"], "body": str(hit.get("body", ""))}
        else:
            replies: list[Any] = []
            with Session(settings, os.environ, common_dir=repo.common_dir) as session:
                session.run([question], lambda i, reply: replies.append(reply))
            reply = replies[0]
            if reply.error is not None:
                print(f"commitgate: no message drafted: {reply.error}", file=sys.stderr)
                return 0
            drafted = reply.findings
            if store is not None:
                store.put_many([(key, drafted)])
    except cache.CacheError:
        pass
    finally:
        if store is not None:
            store.close()
    if drafted is None:
        return 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(_format(drafted) + text)
    return 0


def _parse_draft(answer: str) -> dict[str, str]:
    import json

    from commitgate.model.session import UnusableAnswer
    from commitgate.review.findings import text_only

    try:
        data = text_only(json.loads(answer))
    except (ValueError, RecursionError):
        raise UnusableAnswer("the draft is not JSON") from None
    if not isinstance(data, dict) or not str(data.get("subject", "")).strip():
        raise UnusableAnswer("the draft has no subject")
    return {"subject": str(data["subject"]), "body": str(data.get("body") or "")}


def _format(drafted: dict[str, str]) -> str:
    subject = " ".join(drafted["subject"].split())[:72]
    paragraphs = [p for p in drafted["body"].strip().split("\n\n") if p.strip()]
    body = "\n\n".join(textwrap.fill(" ".join(p.split()), 72) for p in paragraphs)
    return f"{subject}\n\n{body}\n" if body else f"{subject}\n"
