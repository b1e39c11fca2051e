"""The hooks of the set: one engine, a profile each.

A profile is what the model is asked to look for, and the defaults that
suit it; every setting can still be changed in the profile's own table of
the configuration file (`[security]`, `[tests]`, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from commitgate.errors import UsageError
from commitgate.review import prompt
from commitgate.severity import Severity


class Profile(NamedTuple):
    name: str
    hook: str  # the hook id in .pre-commit-hooks.yaml
    task: str  # what the model is asked to do, before the shared data rules
    rules: str  # what to report and how, after the shared field list
    defaults: Mapping[str, Any]  # settings this profile changes, by config key
    summary: str

    def instructions(self, extra: str = "") -> str:
        text = f"{self.task}\n\n{prompt.DATA_RULES}\n\n{prompt.FIELDS}\n{self.rules}"
        if extra.strip():
            # The team's own words come last, outside the repository fence:
            # they are configuration, not repository content.
            text += f"\n\nInstructions from the team that runs this review:\n{extra.strip()}"
        return text


REVIEW = Profile(
    "review",
    "commitgate",
    prompt.REVIEW_TASK,
    prompt.REVIEW_RULES,
    {},
    "the general review of each commit",
)

PUSH = Profile(
    "push",
    "commitgate-push",
    prompt.REVIEW_TASK,
    prompt.REVIEW_RULES,
    {},
    "one general review of everything being pushed",
)

SECURITY = Profile(
    "security",
    "commitgate-security",
    """\
You audit a code change for security before it is shared. Report only \
vulnerabilities that the change introduces or exposes: injection (SQL, shell, \
template, LDAP, XPath, header), broken authentication or session handling, missing \
or wrong authorisation checks, secrets or credentials in code, unsafe \
deserialisation, path traversal, SSRF, XXE, open redirects, weak or misused \
cryptography, insecure randomness where it matters, race conditions with a \
security effect, unsafe file permissions, and data exposure in logs or errors. \
Never report style, general bugs without a security effect, or hardening wishes \
without an attack. If nothing is exploitable, return no findings.""",
    """\
For each finding, the message names the attacker, what they control, the path \
from there to the flaw, and what they gain. Use category security. Report each \
vulnerability once, where it should be fixed. Do not guess about code you cannot \
see. At most 20 findings, most severe first.""",
    {
        "model": "openai/gpt-5.1-codex-max",
        "reasoning-effort": "medium",
        "fail-on": Severity.HIGH,
        "verify": False,
        "escalate": {},  # already the strongest
    },
    "a security audit with the strongest model, before pushing",
)

TESTS = Profile(
    "tests",
    "commitgate-tests",
    """\
You look for gaps in the tests of a code change. Report changed behaviour that \
no test exercises: new or changed functions, branches, error paths and edge \
cases for which neither the change nor the existing tests shown (marked \
"existing test, context only") contain a test. Do not report code without \
behaviour (constants, re-exports, logging, comments), generated code, or the \
tests themselves. If the change is well tested, return no findings.""",
    """\
Put each finding on the changed line whose behaviour is untested, with category \
test-gap. Its suggestion is a concrete test to add: its name, its input and the \
result it expects, in the project's test style. Severity is how much could break \
unnoticed: high for untested main behaviour or error handling that loses data, \
medium for an untested branch or edge case, low for the rest. At most 20 \
findings, most important first.""",
    {"fail-on": None, "escalate": {}},
    "the changed behaviour that no test covers; reports, does not block",
)

COMMIT_MSG = Profile(
    "commit-msg",
    "commitgate-commit-msg",
    """\
You check a commit message against the change it describes. The message is the \
file ".git/COMMIT_EDITMSG"; the files after it are the staged change. Report where the \
message contradicts the change, describes a different change, or leaves out \
something significant the change does (a behaviour change, a removal, a \
migration, a security fix). Do not report wording, style, tense, length or \
format. If the message describes the change, return no findings.""",
    """\
Put every finding on a line of ".git/COMMIT_EDITMSG" (the subject is line 1), with \
category commit-message. Severity: high when the message contradicts the change \
or describes another one; medium when it leaves out a significant part; low \
when it is too vague to tell what changed. The suggestion is the corrected line. \
At most 5 findings.""",
    {"fail-on": Severity.HIGH, "verify": False, "escalate": {}},
    "a commit message that does not describe the change",
)

PROFILES: dict[str, Profile] = {p.name: p for p in (REVIEW, SECURITY, TESTS, PUSH, COMMIT_MSG)}


def get(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise UsageError(f"unknown profile {name!r} (known: {', '.join(PROFILES)})") from None
