"""Which model reviews what: the everyday model, or the stronger one for a
change too large or too sensitive for it. One place decides both.

- `escalate`: a change of more files, or more changed lines, than its
  limits goes whole to `escalate-model` (gpt-5.1-codex by default): the
  model page's advice for multi-file architectural changes. Only a change
  is escalated (a commit, a range), never whole files (`--all-files`, a
  baseline), which would send a whole repository to the dearer model.
- `sensitive`: files matching these globs go to `escalate-model` whatever
  the size of the change.

Verdicts of either model are cached under their own keys (the model is
part of the key), and the second opinion is not asked of the model that
gave a finding (verify.candidates).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from commitgate.config import Settings
from commitgate.git.change import ChangedFile, Mode
from commitgate.glob import matcher
from commitgate.review.prompt import Unit


class Route(NamedTuple):
    model_for: Callable[[Unit], str]
    why: str  # why the change went to the stronger model; "" when it did not


def route(settings: Settings, mode: Mode, files: Sequence[ChangedFile]) -> Route:
    stronger = settings.escalate_model
    sensitive = matcher(tuple(settings.sensitive))
    why = "" if mode is Mode.FILES else escalated(settings, files)
    if why and stronger != settings.model:
        return Route(lambda u: stronger, why)
    return Route(lambda u: stronger if sensitive(u.path) else settings.model, "")


def escalated(settings: Settings, files: Sequence[ChangedFile]) -> str:
    """Why a change this size goes to escalate-model ("14 files > 10"), or ""."""
    limits = settings.escalate
    count = len(files)
    lines = sum(f.changed_line_count() for f in files)
    if limits.get("files") and count > limits["files"]:
        return f"{count} files > {limits['files']}"
    if limits.get("lines") and lines > limits["lines"]:
        return f"{lines:,} changed lines > {limits['lines']:,}"
    return ""
