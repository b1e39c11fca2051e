"""Severities, ordered so that comparisons read naturally (`sev >= fail_on`)."""

from __future__ import annotations

import enum


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Parse a severity name; raises ValueError with the allowed names."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (allowed: {NAMES})") from None


NAMES = ", ".join(s.label for s in sorted(Severity, reverse=True))

# What each level means, shown to the model and in `commitgate init`'s comments.
MEANING = {
    Severity.CRITICAL: (
        "exploitable security hole, data loss or corruption, or a crash on a main path; "
        "must not ship"
    ),
    Severity.HIGH: (
        "a bug that gives wrong results or fails in ordinary use; a real security weakness"
    ),
    Severity.MEDIUM: "a bug that shows only under specific, plausible conditions",
    Severity.LOW: "a minor defect with small, contained impact",
    Severity.INFO: "worth knowing, but not a defect",
}
