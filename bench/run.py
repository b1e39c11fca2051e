"""Run the benchmarks and record their figures in bench/RESULTS.md.

    python bench/run.py NAME ... [--rounds N]

NAME: overhead, concurrency, cache, scale, efficiency, speed, quality, fixes,
or all.

`all` is every benchmark but quality and fixes, which build a local model
server and run the eval corpus with a real model (hours; see bench/quality.py
and bench/fixes.py).

Run it with the python of the environment commitgate is installed in
(`pip install -e '.[bench]'`): commitgate and detect-secrets-hook are run
as that environment's console scripts.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import FAST, SECTIONS


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.split("\n")[0])
    p.add_argument("names", nargs="*", choices=[*SECTIONS, "all"], default=["all"])
    p.add_argument("--rounds", type=int, help="repetitions (default: each benchmark's own)")
    p.add_argument("--no-save", action="store_true", help="print, but leave RESULTS.md alone")
    p.add_argument("--keep", action="store_true", help="keep the temporary repositories")
    args = p.parse_args(argv)
    names = list(FAST) if "all" in args.names else list(dict.fromkeys(args.names))
    failed = []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}", flush=True)
        if not module.main(rounds=args.rounds, save=not args.no_save, keep=args.keep):
            failed.append(name)
    if failed:
        print(f"targets not met: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
