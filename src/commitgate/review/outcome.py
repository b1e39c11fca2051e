"""The result of one run: what every report format reads."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import TYPE_CHECKING

from commitgate.git.change import NotReviewed
from commitgate.model.wire import Usage
from commitgate.review.findings import Finding
from commitgate.review.gate import Decision
from commitgate.review.plan import Batch

if TYPE_CHECKING:
    from commitgate.model.cost import Cost

PASSED, BLOCKED, UNAVAILABLE = 0, 1, 3


@dataclasses.dataclass
class Outcome:
    description: str  # what was reviewed, e.g. "staged change"
    model: str
    profile: str
    files: list[str]  # the files reviewed
    changed_lines: int
    not_reviewed: list[NotReviewed]
    findings: list[Finding]
    decision: Decision
    dismissed: list[Finding] = dataclasses.field(default_factory=list)  # by the second opinion
    dropped: Counter[str] = dataclasses.field(default_factory=Counter)
    usage: Usage = dataclasses.field(default_factory=Usage)
    attempts: int = 0  # requests sent, retries and timeouts included (usage counts answers)
    # Why (part of) the change could not be reviewed, one line each.
    failures: list[str] = dataclasses.field(default_factory=list)
    on_error: str = "fail"  # the policy in force: fail | warn
    notes: list[str] = dataclasses.field(default_factory=list)
    batches: list[Batch] = dataclasses.field(default_factory=list)  # requests sent or planned
    units: int = 0  # files and parts of files reviewed...
    cached_units: int = 0  # ...and how many of them had a verdict in the cache
    dry_run: bool = False
    elapsed: float = 0.0
    # Secret values replaced before sending, by kind (never the values).
    redacted: Counter[str] = dataclasses.field(default_factory=Counter)
    suppressed: int = 0  # findings removed by `commitgate: ignore` comments
    # What the requests cost (for a dry run: what sending would cost, input only).
    cost: Cost | None = None
    root: str = ""  # the repository's working tree, which paths are relative to
    # The server, when it is not the default gateway (then reports name it),
    # and who chose it (trust.USER or trust.REPOSITORY).
    server: str = ""
    server_chosen_by: str = ""
    # Model asked for -> the model the server said answered, where they
    # differ (a local server serves its one model under any name).
    served: dict[str, str] = dataclasses.field(default_factory=dict)
    # Why the change went to escalate-model ("14 files > 10"), if it did.
    escalated: str = ""
    # Each streamed answer: (model, seconds to its first token, output tokens
    # per second while it streamed); and how many answers were not streamed.
    speeds: list[tuple[str, float, float | None]] = dataclasses.field(default_factory=list)
    unmeasured: int = 0

    @property
    def first_token(self) -> float | None:
        """The median time to the first token, over the streamed answers."""
        import statistics

        return statistics.median(s[1] for s in self.speeds) if self.speeds else None

    @property
    def per_second(self) -> float | None:
        """The median output tokens per second while answers streamed."""
        import statistics

        rates = [s[2] for s in self.speeds if s[2] is not None]
        return statistics.median(rates) if rates else None

    # The repository's own review guidance used (rules.py): where from, how
    # many characters were sent, and whether it was cut.
    rules: list[tuple[str, int, bool]] = dataclasses.field(default_factory=list)
    # Kept for `commitgate fix` (last.py), and the command that reviews the
    # blocking findings' files again once they are fixed.
    kept: bool = False
    recheck: str = ""

    def named(self, model: str) -> str:
        """A model as the report names it: the one that answered (a file's
        name, when the server gives the path it loaded it from)."""
        served = self.served.get(model)
        if not served:
            return model
        if served.startswith("/") or served[1:3] == ":\\":
            served = served.replace("\\", "/").rsplit("/", 1)[-1]
        return f"{served} (asked for {model})"

    @property
    def reviewed(self) -> bool:
        """Every file that could be sent got a usable review."""
        return not self.failures

    @property
    def exit_code(self) -> int:
        if self.decision.blocked:
            return BLOCKED
        if self.failures and self.on_error == "fail":
            return UNAVAILABLE
        return PASSED

    @property
    def status(self) -> str:
        """passed | blocked | error (not reviewed, exit 3) | unreviewed (not
        reviewed, let through by on-error = warn) | dry-run"""
        if self.dry_run:
            return "dry-run"
        if self.decision.blocked:
            return "blocked"
        if self.failures:
            return "error" if self.on_error == "fail" else "unreviewed"
        return "passed"
