"""The transcript store: every session and every turn, in SQLite under the data home.

A turn is written (and committed) the moment it happens. Turns are keyed by
(session_id, turn_index) and written with an upsert, so a graph node that reruns after a crash
rewrites the same row instead of adding a second one. A coach's overrides are appended beside
the original scorecard, never over it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

Status = Literal["active", "paused", "finished"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    prompt_ids TEXT NOT NULL,
    versions TEXT NOT NULL,
    debrief TEXT,
    owner_pid INTEGER,
    last_seen REAL,
    away_s REAL NOT NULL DEFAULT 0,
    draft TEXT
);
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL,
    turn_index INTEGER NOT NULL,
    prompt_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    interviewer TEXT NOT NULL,
    candidate TEXT NOT NULL,
    code TEXT,
    scorecard TEXT,
    timing TEXT NOT NULL,
    overrides TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (session_id, turn_index)
);
"""


# Columns added after the first stores were written: liveness, and the unsent draft.
_LATER_COLUMNS = {
    "owner_pid": "INTEGER",
    "last_seen": "REAL",
    "away_s": "REAL NOT NULL DEFAULT 0",
    "draft": "TEXT",
}


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StoreError(Exception):
    """An unknown session or turn; the message is one line."""


class Turn(BaseModel):
    prompt_id: str
    kind: Literal["prompt", "follow_up"]
    interviewer: str
    candidate: str
    code: str | None = None
    # The scorecard as `interviewer score` prints it, on the turn that closes a prompt.
    scorecard: dict[str, Any] | None = None
    # Milliseconds per stage (answer, assess, run_code, prompt total, and what the face adds).
    timing: dict[str, float] = Field(default_factory=dict)
    overrides: list[dict[str, Any]] = Field(default_factory=list)


class Transcript(BaseModel):
    session_id: str
    started: str
    finished: str | None = None
    mode: Literal["text", "voice"] = "text"
    versions: dict[str, Any] = Field(default_factory=dict)
    turns: list[Turn] = Field(default_factory=list)
    # Beyond the contract's fields (additive): where the session stands, what it covered, and
    # the end-of-exam summary once there is one.
    status: Status = "active"
    prompt_ids: list[str] = Field(default_factory=list)
    debrief: dict[str, Any] | None = None


class SessionSummary(BaseModel):
    """One item of `interviewer sessions --json`."""

    session_id: str
    started: str
    finished: str | None
    mode: Literal["text", "voice"]
    status: Status
    score: float | None


def default_store_path() -> Path:
    from .settings import data_home

    return data_home() / "transcripts.sqlite"


def overall_score(turns: list[Turn]) -> float | None:
    """The mean of the prompt scores so far (one scorecard per closed prompt)."""
    scores = [t.scorecard["score"] for t in turns if t.scorecard and "score" in t.scorecard]
    if not scores:
        return None
    return round(sum(scores) / len(scores), 1)


class TranscriptStore:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_store_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        # WAL: readers (a coach's review) never block the exam's writes; every turn commits.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._add_missing_columns()
        self._db.commit()

    def _add_missing_columns(self) -> None:
        """Stores written by an older version lack the later columns: add them."""
        have = {r["name"] for r in self._db.execute("PRAGMA table_info(sessions)")}
        for column, decl in _LATER_COLUMNS.items():
            if column not in have:
                self._db.execute(f"ALTER TABLE sessions ADD COLUMN {column} {decl}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- sessions ---------------------------------------------------------------------------

    def create_session(
        self,
        session_id: str,
        *,
        started: str,
        mode: str,
        prompt_ids: list[str],
        versions: dict[str, Any],
    ) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO sessions (session_id, started, mode, status, prompt_ids,"
                " versions) VALUES (?, ?, ?, 'active', ?, ?)",
                (session_id, started, mode, json.dumps(prompt_ids), json.dumps(versions)),
            )

    def has_session(self, session_id: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM sessions WHERE session_id = ?", (session_id,)
            ).fetchone()
        return row is not None

    def status(self, session_id: str) -> Status:
        with self._lock:
            row = self._db.execute(
                "SELECT status FROM sessions WHERE session_id = ?", (session_id,)
            ).fetchone()
        if row is None:
            raise StoreError(f"unknown session {session_id!r}")
        return row["status"]

    def set_status(self, session_id: str, status: Status) -> None:
        with self._lock, self._db:
            self._db.execute(
                "UPDATE sessions SET status = ? WHERE session_id = ? AND status != 'finished'",
                (status, session_id),
            )

    def claim(self, session_id: str, now: float) -> float:
        """This process now drives the session; returns the seconds it spent away since last seen.

        The away time is added to the session's total, so prompt timers skip the time a
        paused or killed session sat on disk.
        """
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT last_seen, away_s FROM sessions WHERE session_id = ?", (session_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"unknown session {session_id!r}")
            gap = max(0.0, now - row["last_seen"]) if row["last_seen"] is not None else 0.0
            away = float(row["away_s"] or 0.0) + gap
            self._db.execute(
                "UPDATE sessions SET owner_pid = ?, last_seen = ?, away_s = ? WHERE session_id = ?",
                (os.getpid(), now, away, session_id),
            )
        return away

    def touch(self, session_id: str, now: float) -> None:
        """Record that the session was in use at `now` (clock seconds)."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE sessions SET last_seen = ?, owner_pid = ? WHERE session_id = ?",
                (now, os.getpid(), session_id),
            )

    def save_draft(self, session_id: str, draft: dict[str, Any] | None) -> None:
        """What the candidate has typed and not sent (None: nothing), kept for a resume."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE sessions SET draft = ? WHERE session_id = ?",
                (None if draft is None else json.dumps(draft), session_id),
            )

    def draft(self, session_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT draft FROM sessions WHERE session_id = ?", (session_id,)
            ).fetchone()
        return json.loads(row["draft"]) if row is not None and row["draft"] else None

    def merge_versions(self, session_id: str, versions: dict[str, Any]) -> None:
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT versions FROM sessions WHERE session_id = ?", (session_id,)
            ).fetchone()
            if row is None:
                return
            merged = {**json.loads(row["versions"]), **versions}
            self._db.execute(
                "UPDATE sessions SET versions = ? WHERE session_id = ?",
                (json.dumps(merged), session_id),
            )

    def finish(self, session_id: str, *, finished: str, debrief: dict[str, Any]) -> None:
        with self._lock, self._db:
            self._db.execute(
                "UPDATE sessions SET status = 'finished', finished = COALESCE(finished, ?),"
                " debrief = ? WHERE session_id = ?",
                (finished, json.dumps(debrief), session_id),
            )

    # -- turns ------------------------------------------------------------------------------

    def write_turn(self, session_id: str, turn_index: int, turn: Turn) -> None:
        """Insert or rewrite one turn; a coach's overrides on it are kept."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO turns (session_id, turn_index, prompt_id, kind, interviewer,"
                " candidate, code, scorecard, timing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (session_id, turn_index) DO UPDATE SET prompt_id = excluded.prompt_id,"
                " kind = excluded.kind, interviewer = excluded.interviewer,"
                " candidate = excluded.candidate, code = excluded.code,"
                " scorecard = excluded.scorecard, timing = excluded.timing",
                (
                    session_id,
                    turn_index,
                    turn.prompt_id,
                    turn.kind,
                    turn.interviewer,
                    turn.candidate,
                    turn.code,
                    json.dumps(turn.scorecard) if turn.scorecard is not None else None,
                    json.dumps(turn.timing),
                ),
            )

    def _turn_row(self, session_id: str, turn_index: int) -> sqlite3.Row:
        """The turn's JSON columns; the caller holds the lock and the transaction."""
        row = self._db.execute(
            "SELECT timing, overrides FROM turns WHERE session_id = ? AND turn_index = ?",
            (session_id, turn_index),
        ).fetchone()
        if row is None:
            raise StoreError(f"session {session_id}: no turn {turn_index}")
        return row

    def update_timing(self, session_id: str, turn_index: int, timing: dict[str, float]) -> None:
        with self._lock, self._db:
            row = self._turn_row(session_id, turn_index)
            merged = {**json.loads(row["timing"]), **timing}
            self._db.execute(
                "UPDATE turns SET timing = ? WHERE session_id = ? AND turn_index = ?",
                (json.dumps(merged), session_id, turn_index),
            )

    def close_turn(
        self,
        session_id: str,
        turn_index: int,
        scorecard: dict[str, Any],
        timing: dict[str, float],
    ) -> None:
        """Attach the prompt's scorecard (and its total time) to the turn that closed it."""
        with self._lock, self._db:
            row = self._turn_row(session_id, turn_index)
            merged = {**json.loads(row["timing"]), **timing}
            self._db.execute(
                "UPDATE turns SET scorecard = ?, timing = ? WHERE session_id = ? AND turn_index = ?",
                (json.dumps(scorecard), json.dumps(merged), session_id, turn_index),
            )

    def append_to_last_answer(self, session_id: str, text: str) -> int | None:
        """Words the candidate added after their last answer was scored, with no answer after
        them to go in front of (the input ended): kept at the end of that answer's text.

        The scorecard stays as it was. Returns the turn's index, or None if there is no turn.
        """
        text = text.strip()
        if not text:
            return None
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT turn_index, candidate FROM turns WHERE session_id = ?"
                " ORDER BY turn_index DESC LIMIT 1",
                (session_id,),
            ).fetchone()
            if row is None:
                return None
            self._db.execute(
                "UPDATE turns SET candidate = ? WHERE session_id = ? AND turn_index = ?",
                (f"{row['candidate']} {text}".strip(), session_id, row["turn_index"]),
            )
            return int(row["turn_index"])

    def add_override(self, session_id: str, turn_index: int, override: dict[str, Any]) -> None:
        """A coach's correction, appended to the turn's `overrides`; the scorecard stays."""
        with self._lock, self._db:
            row = self._turn_row(session_id, turn_index)
            overrides = [*json.loads(row["overrides"]), dict(override)]
            self._db.execute(
                "UPDATE turns SET overrides = ? WHERE session_id = ? AND turn_index = ?",
                (json.dumps(overrides), session_id, turn_index),
            )

    def turns(self, session_id: str) -> list[Turn]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM turns WHERE session_id = ? ORDER BY turn_index", (session_id,)
            ).fetchall()
        return [
            Turn(
                prompt_id=r["prompt_id"],
                kind=r["kind"],
                interviewer=r["interviewer"],
                candidate=r["candidate"],
                code=r["code"],
                scorecard=json.loads(r["scorecard"]) if r["scorecard"] else None,
                timing=json.loads(r["timing"]),
                overrides=json.loads(r["overrides"]),
            )
            for r in rows
        ]

    # -- reading ----------------------------------------------------------------------------

    def load(self, session_id: str) -> Transcript:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM sessions WHERE session_id = ?", (session_id,)
            ).fetchone()
        if row is None:
            raise StoreError(f"unknown session {session_id!r}")
        return Transcript(
            session_id=row["session_id"],
            started=row["started"],
            finished=row["finished"],
            mode=row["mode"],
            versions=json.loads(row["versions"]),
            turns=self.turns(session_id),
            status=row["status"],
            prompt_ids=json.loads(row["prompt_ids"]),
            debrief=json.loads(row["debrief"]) if row["debrief"] else None,
        )

    def list_sessions(self) -> list[SessionSummary]:
        """Every stored session, newest last."""
        with self._lock:
            rows = self._db.execute(
                "SELECT session_id, started, finished, mode, status, owner_pid FROM sessions"
                " ORDER BY started, rowid"
            ).fetchall()
        return [
            SessionSummary(
                session_id=r["session_id"],
                started=r["started"],
                finished=r["finished"],
                mode=r["mode"],
                # "active" only while a live process drives it; a killed one is resumable.
                status=(
                    "paused"
                    if r["status"] == "active" and not _pid_alive(r["owner_pid"])
                    else r["status"]
                ),
                score=overall_score(self.turns(r["session_id"])),
            )
            for r in rows
        ]
