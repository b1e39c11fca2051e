"""The review layer: what a review is. The flow (flow.py) runs its steps in
order; each step is a module.

    flow.py      the review, top to bottom, as a list of named steps
    context.py   what the model is shown beside a file (its existing tests)
    prompt.py    what the model is told, and how the change is shown
    plan.py      packing units of review into requests
    ask.py       verdicts from the cache or the model, one per unit
    findings.py  findings read from an answer, checked and anchored
    suppress.py  `commitgate: ignore` comments
    baseline.py  findings accepted once, which never block
    gate.py      the decision: does the commit go through?
    verify.py    the second opinion before blocking
    profiles.py  the hooks of the set: what each reviews for
    outcome.py   the result of a run, which every report reads
"""
