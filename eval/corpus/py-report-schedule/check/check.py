import sys
from datetime import datetime, time, timedelta, timezone

sys.path.insert(0, sys.argv[1])
from reports.schedule import Scheduler

calls = []
s = Scheduler()
s.add("daily", time(0, 0), lambda: calls.append("daily"))
assert s.run_pending() == ["daily"]
assert s.run_pending() == [], "ran twice in a row"
job = s.jobs[0]
job.last_run = datetime.now(timezone.utc) - timedelta(days=2)
assert s.run_pending() == ["daily"]
assert calls == ["daily", "daily"]
now = datetime(2024, 3, 1, 12, tzinfo=timezone.utc)
job.last_run = datetime(2024, 3, 1, 0, 30, tzinfo=timezone.utc)
assert not job.is_due(now)
assert job.is_due(datetime(2024, 3, 2, 0, 0, 1, tzinfo=timezone.utc))
print("ok")
