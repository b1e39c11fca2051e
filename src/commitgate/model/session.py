"""One run's dealings with the model service: the client (made only when
something is sent), the deadline, the token budget, the usage and the
notes, shared by the review and its second opinion."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from commitgate import scrub
from commitgate.config import Settings
from commitgate.errors import ConfigError
from commitgate.model import dispatch, routing, server
from commitgate.model.deadline import Deadline
from commitgate.model.server import Profile
from commitgate.model.throttle import Throttle
from commitgate.model.tokens import FRAMING, context_window, estimate_tokens, takes_sampling
from commitgate.model.wire import Answer, ModelRequest, Usage

if TYPE_CHECKING:
    import httpx

    from commitgate.model.client import ModelClient
    from commitgate.model.cost import Price

T = TypeVar("T")


class UnusableAnswer(ValueError):
    """The answer's text is not what was asked for (raised by a Question's
    `parse`): asked for once more, then reported."""


class Question(NamedTuple):
    model: str
    instructions: str
    input: str
    tokens: int  # estimated, for the run's budget
    reasoning_effort: str | None
    # The answer's JSON schema, its name on the wire, and its reader, which
    # raises UnusableAnswer for an answer it cannot use.
    schema: Mapping[str, Any]
    schema_name: str
    parse: Callable[[str], Any]


class Reply(NamedTuple):
    findings: Any  # what `parse` made of the answer; None: no usable answer, see error
    usage: Usage
    error: str | None = None
    model: str | None = None  # the model the server said answered
    # The request did not fit the server's context: its size (0: not said).
    overflow: int | None = None


class Session:
    def __init__(
        self,
        settings: Settings,
        env: Mapping[str, str],
        *,
        common_dir: str = "",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """`common_dir`: the git common directory, where known prices are kept."""
        self.settings = settings
        self.env = env
        self.transport = transport
        self.deadline = Deadline(settings.deadline)
        self.usage = Usage()
        self.usage_by_model: dict[str, Usage] = {}  # for pricing: models differ in price
        self.notes: list[str] = []
        self.no_credential = False
        self._client: ModelClient | None = None
        self._budget = _Budget(settings, common_dir)
        self.common_dir = common_dir
        # What is known of a server that is not the gateway (server.py).
        self.profile = Profile()
        self._remembered: Profile | None = None  # as read; None: not prepared yet
        self.throttle = Throttle(settings.max_concurrency)
        # Model asked for -> the model the server said answered, where they differ.
        self.served: dict[str, str] = {}
        # Each streamed answer's speed: (model, seconds to its first token,
        # output tokens per second while it streamed, or None).
        self.speeds: list[tuple[str, float, float | None]] = []
        self.unmeasured = 0  # answers not streamed: no speed to measure
        self._lock = threading.Lock()

    @property
    def attempts(self) -> int:
        """Every request sent, retries and timeouts included."""
        return self.throttle.attempts

    def prepare(self, discover: bool = True) -> None:
        """What is known of the server, before anything is planned: its
        profile as remembered, or, when that is unknown or a day old and
        `discover` allows (not in a dry run), what its /models list says."""
        if self._remembered is not None:
            return
        s = self.settings
        key = s.server.key
        profile = server.load(self.common_dir, key) if self.common_dir else Profile()
        self._remembered = profile
        if not profile.fresh():
            profile = Profile()  # what is a day old is found out again
            if s.server.is_gateway:
                # Known, and never asked: only what it refused (a reasoning
                # effort) is remembered, for the day.
                profile = profile._replace(checked_at=time.time())
            elif discover and not s.untrusted_server:
                base = s.base_url.rstrip("/")
                profile, listed = server.discover(base, s.model, profile, self._auth(), s.ca_bundle)
                if self.common_dir:
                    from commitgate.model import cost

                    cost.remember(self.common_dir, base, listed)
        self.profile = profile
        if profile.slots and profile.slots < self.throttle.limit:
            # llama-server holds a request it has no slot for without a byte:
            # more at once would only wait, and time out.
            self.throttle.limit = profile.slots

    def _auth(self) -> dict[str, str]:
        from commitgate.model.credential import credential_problem, find_credential

        credential = find_credential(self.env, self.settings.server)
        if credential is None or credential_problem(credential):
            return {}
        return {"authorization": f"Bearer {credential.token}"}

    def window(self, model: str) -> int:
        """The context a request to `model` may fill, in the estimate's
        tokens: as the server said (counted as its tokenizer counts, which
        may be denser), else as the model is known to have."""
        p = self.profile
        return int(p.window / p.density) if p.window else context_window(model)

    def output_tokens(self, model: str) -> int:
        """max-output-tokens, within what the server's context leaves: a
        local server of 4,096 tokens cannot give 16,000."""
        cap = self.settings.max_output_tokens
        window = self.profile.window
        return min(cap, max(256, window // 4)) if window else cap

    def close(self) -> None:
        if self._client is not None:
            self.notes += self._client.notes
            self.profile = self._client.profile
            self._client.close()
        if self.throttle.lowered_from:
            # It cut streams under load: as many at once as it took, next time too.
            self.profile = self.profile._replace(slots=self.throttle.limit)
        if self._remembered is not None and self.profile != self._remembered and self.common_dir:
            server.save(self.common_dir, self.settings.server.key, self.profile)
        t = self.throttle
        slots = self.profile.slots
        if slots and slots < self.settings.max_concurrency and t.attempts > 1:
            self.notes.append(
                f"{self.settings.server.host} runs {slots} request(s) at a time: sent as many"
            )
        if t.lowered_from:
            self.notes.append(
                f"{self.settings.server.host} cut a stream while {t.lowered_from} requests ran "
                f"at once: lowered to {t.limit} at a time for the rest of the run (set "
                f"max-concurrency = {t.limit} for this server)"
            )
        if self._budget.refused:
            self.notes.append(
                f"{self._budget.refused} request(s) not sent: the run would have passed its "
                "budget (max-run-tokens, max-run-cost)"
            )

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ready(self) -> str | None:
        """Make the client; None when ready, else why not (no credential)."""
        if self._client is not None:
            return None
        # Only now, with something to send, is the client (and httpx) loaded.
        from commitgate.model.client import ModelClient, RetryPolicy
        from commitgate.model.credential import (
            NO_CREDENTIAL,
            TOKEN_VARIABLES,
            credential_problem,
            find_credential,
        )
        from commitgate.model.endpoint import Endpoint

        s = self.settings
        untrusted = s.untrusted_server
        if untrusted:
            raise ConfigError(untrusted)
        self.prepare()
        credential = find_credential(self.env, s.server)
        problem = credential_problem(credential) if credential is not None else None
        if problem or (credential is None and s.server.is_gateway):
            # A key that is missing or pasted wrong is a setup problem.
            self.no_credential = True
            return problem or NO_CREDENTIAL
        api = s.api
        if api == "auto":
            api = "responses" if s.server.is_gateway else self.profile.api or "chat"
        endpoint = Endpoint(
            s.base_url,
            api,
            s.stream,
            s.connect_timeout,
            s.timeout,
            s.ca_bundle,
            s.allow_http,
        )
        self._client = ModelClient(
            endpoint,
            credential,
            RetryPolicy(s.retries, s.retry_backoff),
            self.transport,
            scrub.from_env(self.env, TOKEN_VARIABLES),
            self.throttle,
            profile=self.profile,
            gateway=s.server.is_gateway,
            max_request_tokens=s.max_request_tokens,
        )
        return None

    def run(
        self,
        questions: Sequence[Question],
        on_reply: Callable[[int, Reply], None],
    ) -> None:
        """Ask every question, concurrently; `on_reply` sees each reply (or
        why there is none) in this thread, as it comes."""
        why_not = self.ready()
        if why_not is not None:
            for i in range(len(questions)):
                on_reply(i, Reply(None, Usage(), why_not))
            return

        def done(i: int, result: Reply | dispatch.TimedOut | dispatch.Refused) -> None:
            if isinstance(result, (dispatch.TimedOut, dispatch.Refused)):
                on_reply(i, Reply(None, Usage(), result.reason))
                return
            self.usage += result.usage
            model = questions[i].model
            self.usage_by_model[model] = self.usage_by_model.get(model, Usage()) + result.usage
            on_reply(i, result)

        def ask(q: Question) -> Reply:
            reply = self._ask(q)
            # Settled here, in the worker, before it takes up the next
            # question: settled as replies reach the calling thread, a
            # finished question would still count as in flight, at its
            # estimate, when the next one is weighed against the budget.
            self._budget.settle(q, reply.usage)
            return reply

        dispatch.run(
            questions,
            ask,
            concurrency=self.settings.max_concurrency,
            deadline=self.deadline,
            admit=self._budget.admit,
            on_result=done,
        )

    def _prompt_cache_key(self, q: Question) -> str | None:
        """The gateway's prompt-cache key: requests that begin with the same
        instructions for the same model share it, so the provider routes them
        to the cache that holds that prefix. A digest: it tells nothing the
        request does not."""
        if not self.settings.server.is_gateway:
            return None
        import hashlib

        digest = hashlib.sha256(f"{q.model}\0{q.instructions}".encode()).hexdigest()
        return f"commitgate-{digest[:24]}"

    def _ask(self, q: Question) -> Reply:
        from commitgate.model.errors import ServiceError

        client = self._client
        assert client is not None
        req = ModelRequest(
            model=q.model,
            instructions=q.instructions,
            input=q.input,
            schema=q.schema,
            schema_name=q.schema_name,
            max_output_tokens=self.output_tokens(q.model),
            reasoning_effort=q.reasoning_effort,
            extra=routing.provider_options(self.settings),
            cache_key=self._prompt_cache_key(q),
            **self._sampling(q.model),
        )
        usage = Usage()
        problem = ""
        # An answer that is cut short or unreadable is asked for once more; a
        # second bad answer is reported, never read as "no findings".
        for _ in range(2):
            try:
                answer = client.complete(req, self.deadline)
            except ServiceError as e:
                if e.context_window is not None:
                    self._too_large(client, q, e.context_window, e.prompt_tokens)
                    return Reply(None, usage, str(e), overflow=e.context_window)
                return Reply(None, usage, str(e))
            counted = answer.usage if answer.reported_usage else _estimate(q, answer)
            usage += counted
            self._timed(q.model, answer, counted)
            if answer.reported_usage and not self.settings.server.is_gateway:
                self._counted(client, q, answer.usage.input_tokens)
            if answer.model and answer.model != q.model:
                with self._lock:
                    self.served[q.model] = answer.model
            if answer.status == "completed" and answer.usage.output_tokens >= req.max_output_tokens:
                # llama-server says "completed" of an answer max_output_tokens cut.
                answer = answer._replace(status="max_output_tokens")
            if answer.status != "completed":
                problem = f"the answer was cut short ({answer.status})"
                continue
            try:
                return Reply(q.parse(answer.text), usage, model=answer.model)
            except UnusableAnswer as e:
                problem = str(e)
        hint = ""
        if client.api == "responses" and not self.settings.server.is_gateway:
            # llama-server answers /v1/responses, and ignores its answer format.
            hint = (
                f"; {self.settings.server.host} may ignore the answer format of the Responses "
                'API: set api = "chat"'
            )
        return Reply(None, usage, f"unusable answer from {q.model}, twice: {problem}{hint}")

    def _timed(self, model: str, answer: Answer, usage: Usage) -> None:
        with self._lock:
            if answer.speed is None:
                self.unmeasured += 1
                return
            visible = max(0, usage.output_tokens - usage.reasoning_tokens)
            rate = answer.speed.per_second(visible)
            self.speeds.append((model, answer.speed.first_token, rate))

    def _too_large(
        self, client: ModelClient, q: Question, window: int, counted: int | None
    ) -> None:
        """Learn from a prompt the server could not take: its window (not
        said: taken to be half of what did not fit), and how its tokenizer
        counts against the estimate."""
        estimated = q.tokens + estimate_tokens(q.instructions) + FRAMING
        with self._lock:
            p = client.profile
            p = p._replace(window=window or estimated // 2)
            if counted:
                p = p._replace(density=max(p.density, 1.1 * counted / estimated))
            self.profile = client.profile = p

    def _counted(self, client: ModelClient, q: Question, counted: int) -> None:
        """An answer's usage says how the server counted the prompt."""
        estimated = q.tokens + estimate_tokens(q.instructions) + FRAMING
        if counted > estimated:
            with self._lock:
                p = client.profile
                if counted / estimated > p.density:
                    self.profile = client.profile = p._replace(density=counted / estimated)

    def _sampling(self, model: str) -> dict[str, Any]:
        """temperature and seed, for a model that takes them: the model that
        answers, where the server says it is another than the one asked for
        (a local server serves its one model under any name, and would
        otherwise sample at its own default, 0.8 for llama.cpp)."""
        s = self.settings
        if not s.server.is_gateway:
            model = self.served.get(model) or self.profile.serves or model
        if not takes_sampling(model):
            return {}
        return {"temperature": s.temperature, "seed": s.seed}


def _estimate(q: Question, answer: Answer) -> Usage:
    """The usage of an answer that reported none (llama-cpp-python ignores
    stream_options): estimated from the text, and counted as estimated, so
    that max-run-tokens still holds and the report can say so."""
    return answer.usage._replace(
        input_tokens=estimate_tokens(q.instructions) + estimate_tokens(q.input),
        output_tokens=estimate_tokens(answer.text),
        estimated=1,
    )


class _Budget:
    """The run's budgets, in tokens and in dollars (0: none), shared by the
    worker threads: a question is admitted only if what was spent, plus the
    estimates of the questions in flight, plus its own estimate, stays
    within both."""

    # Output is unknown before the answer: estimated at this many tokens
    # (reasoning included), or max-output-tokens if that is less.
    EXPECTED_OUTPUT = 4000

    def __init__(self, settings: Settings, common_dir: str) -> None:
        self.tokens = settings.max_run_tokens
        self.usd = settings.max_run_cost
        self.settings = settings
        self.common_dir = common_dir
        self.spent_tokens = 0
        self.spent_usd = 0.0
        self.flying_tokens = 0
        self.flying_usd = 0.0
        self.refused = 0
        self._prices: dict[str, Price | None] = {}
        self._lock = threading.Lock()

    def _price(self, model: str) -> Price | None:
        from commitgate.model import cost

        with self._lock:  # one fetch, whichever worker asks first
            if model not in self._prices:
                # Fetched if need be (once a day): a budget in dollars needs a price.
                found = cost.price(self.settings, self.common_dir, fetch=True, model=model)
                self._prices[model] = found[0] if found else None
            return self._prices[model]

    def _estimate(self, q: Question) -> tuple[int, float]:
        tokens = q.tokens + estimate_tokens(q.instructions)
        if not self.usd:
            return tokens, 0.0
        p = self._price(q.model)
        out = min(self.EXPECTED_OUTPUT, self.settings.max_output_tokens)
        return tokens, (tokens * p.input + out * p.output) if p else float("inf")

    def admit(self, q: Question) -> str | None:
        if not self.tokens and not self.usd:
            return None
        tokens, usd = self._estimate(q)
        if usd == float("inf"):
            self.refused += 1
            return (
                f"not sent: max-run-cost is set, and no price is known for {q.model} to keep to it"
            )
        with self._lock:
            fits_tokens = not self.tokens or (
                self.spent_tokens + self.flying_tokens + tokens <= self.tokens
            )
            fits_usd = not self.usd or self.spent_usd + self.flying_usd + usd <= self.usd
            if fits_tokens and fits_usd:
                self.flying_tokens += tokens
                self.flying_usd += usd
                return None
            self.refused += 1
        if not fits_tokens:
            return f"not sent: the run's token budget (max-run-tokens = {self.tokens:,}) is spent"
        return f"not sent: the run's budget (max-run-cost = ${self.usd:g}) is spent"

    def settle(self, q: Question, usage: Usage) -> None:
        if not self.tokens and not self.usd:
            return
        tokens, usd = self._estimate(q)
        spent = 0.0
        if self.usd:
            p = self._price(q.model)
            spent = usage.cost if usage.cost is not None else (p.of(usage) if p else usd)
        with self._lock:
            self.flying_tokens -= tokens
            self.flying_usd -= usd
            self.spent_tokens += usage.input_tokens + usage.output_tokens
            self.spent_usd += spent
