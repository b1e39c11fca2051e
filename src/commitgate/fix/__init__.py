"""From a finding to a fix (`commitgate fix`, `commitgate tests --write`).

- ask.py: what the model is asked for a fix, and how its edits are read;
- edits.py: the edits made to the file as it is now, or refused;
- patch.py: a fix as a unified diff, checked and applied by `git apply`,
  to the working tree only;
- run.py: from the last review's findings to patches, every refusal named;
- testgen.py: tests for the gaps the tests profile found, in the project's
  own framework and layout.

Nothing here touches the index: the user stages what they accept.
"""
