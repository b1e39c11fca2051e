"""Daily report jobs, scheduled at a fixed UTC time of day."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import Callable

log = logging.getLogger(__name__)


@dataclass
class ReportJob:
    name: str
    at: time  # time of day, UTC
    action: Callable[[], None]
    last_run: datetime | None = None  # timezone-aware

    def next_run(self, after: datetime) -> datetime:
        """The first scheduled time strictly after ``after``."""
        if after.tzinfo is None:
            raise ValueError("after must be timezone-aware")
        after = after.astimezone(timezone.utc)
        candidate = datetime.combine(after.date(), self.at, tzinfo=timezone.utc)
        if candidate <= after:
            candidate += timedelta(days=1)
        return candidate

    def is_due(self, now: datetime | None = None) -> bool:
        """True when a scheduled time has passed since the job last ran."""
        now = now or datetime.utcnow()
        if self.last_run is None:
            return True
        return self.next_run(self.last_run) <= now


@dataclass
class Scheduler:
    jobs: list[ReportJob] = field(default_factory=list)

    def add(self, name: str, at: time, action: Callable[[], None]) -> ReportJob:
        if any(job.name == name for job in self.jobs):
            raise ValueError(f"duplicate job {name!r}")
        job = ReportJob(name, at, action)
        self.jobs.append(job)
        return job

    def upcoming(self, now: datetime) -> list[tuple[datetime, str]]:
        return sorted((job.next_run(now), job.name) for job in self.jobs)

    def run_pending(self) -> list[str]:
        """Run every job that is due; a failing job is logged and retried next time."""
        ran = []
        for job in self.jobs:
            if not job.is_due():
                continue
            try:
                job.action()
            except Exception:
                log.exception("report %s failed", job.name)
                continue
            job.last_run = datetime.now(timezone.utc)
            ran.append(job.name)
        return ran
