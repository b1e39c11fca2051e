"""Settings as a run reads them: one frozen object, with the per-path
answers of `[[overrides]]`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, NamedTuple

from commitgate.config.keys import NEVER
from commitgate.config.trust import DEFAULT, Server, untrusted
from commitgate.severity import Severity


class Override(NamedTuple):
    paths: tuple[str, ...]
    sets_fail_on: bool
    fail_on: Severity | None  # None: never
    max_findings: Mapping[Severity, int] | None
    min_confidence: float | None = None


@dataclasses.dataclass(frozen=True)
class Settings:
    model: str
    base_url: str
    api: str
    reasoning_effort: str
    temperature: float
    seed: int
    max_output_tokens: int
    stream: bool
    fail_on: Severity | None  # None: never
    max_findings: Mapping[Severity, int]
    unchanged_lines: str
    reanchor: bool
    overrides: tuple[Override, ...]
    exclude: tuple[str, ...]
    max_file_bytes: int
    context_lines: int
    context: str
    max_request_tokens: int
    max_concurrency: int
    max_run_tokens: int
    max_run_cost: float
    cache: bool
    instructions: str
    paths: tuple[str, ...]
    passes: int
    agree: int
    verify: bool
    verify_model: str
    verify_reasoning_effort: str
    escalate: Mapping[str, int]
    escalate_model: str
    sensitive: tuple[str, ...]
    fix_model: str
    cache_dir: str
    on_error: str
    timeout: float
    connect_timeout: float
    deadline: float
    retries: int
    allow_http: bool
    ca_bundle: str
    # Confidence threshold and baseline (issue 5).
    min_confidence: float
    baseline: str
    # Failure handling: retries.
    retry_backoff: float
    # Secrets and privacy.
    never_send: tuple[str, ...]
    redact: bool
    zero_data_retention: bool
    provider_order: tuple[str, ...]
    provider_only: tuple[str, ...]
    user: str
    tags: tuple[str, ...]
    trusted_servers: tuple[str, ...] = ()
    profile: str = "review"
    source: str = "built-in defaults"  # where the settings came from, for messages
    # Who named base-url (trust.DEFAULT, USER or REPOSITORY), and where.
    server_chosen_by: str = DEFAULT
    server_where: str = "the default"
    user_file: str = ""  # the user configuration file's path, for messages
    # The commit the repository's own files (configuration, baseline, rules)
    # were read from, for a range review: its base, never the change under
    # review. Empty: the working tree and the index.
    trusted_at: str = ""
    # What the user should know about how the settings were read.
    warnings: tuple[str, ...] = ()
    # [[instructions]] with paths: (globs, text), for the files they match.
    scoped_instructions: tuple[tuple[tuple[str, ...], str], ...] = ()

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @property
    def server(self) -> Server:
        return Server(self.base_url, self.server_chosen_by, self.server_where)

    @property
    def untrusted_server(self) -> str | None:
        """Why nothing may be sent to the configured server, if so (trust.py)."""
        return untrusted(self.server, self.trusted_servers, self.user_file)

    def fail_on_for(self, path: str) -> Severity | None:
        from commitgate.glob import matcher

        for o in reversed(self.overrides):
            if o.sets_fail_on and matcher(o.paths)(path):
                return o.fail_on
        return self.fail_on

    @property
    def fail_on_label(self) -> str:
        return NEVER if self.fail_on is None else self.fail_on.label

    def max_findings_for(self, path: str) -> Mapping[Severity, int]:
        from commitgate.glob import matcher

        for o in reversed(self.overrides):
            if o.max_findings is not None and matcher(o.paths)(path):
                return o.max_findings
        return self.max_findings

    def min_confidence_for(self, path: str) -> float:
        from commitgate.glob import matcher

        for o in reversed(self.overrides):
            if o.min_confidence is not None and matcher(o.paths)(path):
                return o.min_confidence
        return self.min_confidence
