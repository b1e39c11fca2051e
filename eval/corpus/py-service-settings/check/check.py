import sys

sys.path.insert(0, sys.argv[1])
from service.settings import load, pool_options

env = {"INGEST_DATABASE_URL": "postgres://db/ingest", "INGEST_DB_POOL_SIZE": "12",
       "INGEST_DB_TIMEOUT": "2.5", "INGEST_PORT": "9000"}
s = load(None, env)
assert pool_options(s) == {"url": "postgres://db/ingest", "size": 12, "timeout": 2.5}, pool_options(s)
assert s["server"]["port"] == 9000
assert pool_options(load(None, {}))["timeout"] == 10.0
print("ok")
