"""`commitgate cache info|clear`: where the review cache is, and emptying it."""

from __future__ import annotations

import os

from commitgate.commands import Parser
from commitgate.errors import UsageError


def main(argv: list[str]) -> int:
    parser = Parser(prog="commitgate cache", description=__doc__)
    parser.add_argument("action", choices=("info", "clear"))
    parser.add_argument("--config", metavar="FILE", help="settings file")
    args = parser.parse_args(argv)

    from commitgate import cache, config, git

    repo = git.find_repo()
    settings = config.load(repo.root, config_file=args.config)
    directory = cache.location(settings.cache_dir, repo.root, repo.common_dir)
    if not os.path.exists(os.path.join(directory, cache.FILE_NAME)):
        print(f"commitgate: no review cache yet ({directory})")
        return 0
    c, problem = cache.open_cache(directory)
    if c is None:
        raise UsageError(problem or "the review cache cannot be opened")
    with c:
        if args.action == "clear":
            gone = c.clear()
            print(f"commitgate: cleared {gone:,} cached verdicts from {c.path}")
        else:
            count, size = c.stats()
            print(f"commitgate: {count:,} cached verdicts, {size / 1024:,.0f} KiB, in {c.path}")
    return 0
