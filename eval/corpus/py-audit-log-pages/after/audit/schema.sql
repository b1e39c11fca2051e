CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL
);
CREATE INDEX audit_events_account_time ON audit_events (account_id, created_at, id);
