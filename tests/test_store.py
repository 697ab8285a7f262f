"""The transcript store's own promises: an older store opens, and a draft survives a reopen."""

from __future__ import annotations

import sqlite3

from agent.store import TranscriptStore

# The sessions table as the first stores wrote it: no liveness columns, no draft.
_FIRST_SCHEMA = """
CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT, mode TEXT NOT NULL,
    status TEXT NOT NULL, prompt_ids TEXT NOT NULL, versions TEXT NOT NULL, debrief TEXT
);
INSERT INTO sessions VALUES ('old', '2026-11-01T10:00:00', NULL, 'text', 'paused', '[]', '{}',
    NULL);
"""


def test_a_store_from_an_older_version_opens_and_keeps_a_draft(tmp_path):
    path = tmp_path / "transcripts.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(_FIRST_SCHEMA)
    store = TranscriptStore(path)
    assert store.status("old") == "paused" and store.draft("old") is None
    draft = {"prompt_id": "warmup.constraints", "answer": "Before any boxes", "code": None}
    store.save_draft("old", draft)
    store.close()
    again = TranscriptStore(path)
    assert again.draft("old") == draft
    again.save_draft("old", None)  # sent: nothing left to bring back
    assert again.draft("old") is None
    again.close()
