"""The eval layer: measuring the review on a corpus of cases with known
bugs and clean changes. It runs the same engine as a commit does, with the
same settings, in temporary repositories, never in the user's.

    corpus.py  the cases, read from disk; a case made from a commit
    run.py     one case, reviewed in a temporary repository
    score.py   findings matched to the expected bugs; the summary's figures
"""
