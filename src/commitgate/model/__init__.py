"""The model layer: talking to the model service. Knows HTTP and the two
OpenAI wire formats, nothing about git or findings.

    client.py      HTTP, auth, timeouts, retries: one answer per request
    wire.py        request bodies and answers, Responses API and chat
    sse.py         server-sent events, as the streams frame them
    errors.py      ServiceError, and what each failure tells the user
    credential.py  the credential, from the environment
    endpoint.py    the base URL's checks, and TLS
    session.py     one run's dealings with the service: budget, usage, notes
    dispatch.py    requests in flight at once, within the deadline
    deadline.py    the time left for the whole review
    tokens.py      token estimates and context windows
    routing.py     the gateway's provider and privacy options
    cost.py        what a run cost, in dollars
"""
