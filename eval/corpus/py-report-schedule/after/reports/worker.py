"""Long-running process that sends the daily reports."""

from __future__ import annotations

import logging
import threading

from reports.schedule import Scheduler

log = logging.getLogger(__name__)


class ReportWorker:
    """Calls Scheduler.run_pending every ``interval`` seconds until stopped."""

    def __init__(self, scheduler: Scheduler, interval: float = 30.0) -> None:
        if interval <= 0:
            raise ValueError("interval must be positive")
        self.scheduler = scheduler
        self.interval = interval
        self._stop = threading.Event()

    def run(self) -> None:
        log.info("report worker started with %d jobs", len(self.scheduler.jobs))
        while not self._stop.is_set():
            ran = self.scheduler.run_pending()
            if ran:
                log.info("sent reports: %s", ", ".join(ran))
            self._stop.wait(self.interval)
        log.info("report worker stopped")

    def stop(self) -> None:
        self._stop.set()
