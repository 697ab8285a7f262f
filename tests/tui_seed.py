"""A transcript store with three known sessions, for the review room's tests and snapshots."""

from __future__ import annotations

from typing import Any

from agent.store import TranscriptStore, Turn

CRITERIA = [
    "product_constraints",
    "traffic_shape",
    "latency_budget",
    "privacy_limits",
    "failure_tolerance",
    "quality_target",
    "cost_ceiling",
    "update_frequency",
    "success_after_launch",
    "constraints_drive_design",
]


def scorecard(score: int, verdict: str, met: int, *, flag: bool = False) -> dict[str, Any]:
    criteria = []
    for i, cid in enumerate(CRITERIA):
        status = "met" if i < met else "partial" if i == met else "missed"
        evidence = "I pin down the latency budget first" if status != "missed" else ""
        criteria.append({"id": cid, "status": status, "evidence": evidence})
    return {
        "id": None,
        "prompt_id": "warmup.constraints",
        "score": score,
        "verdict": verdict,
        "criteria": criteria,
        "red_flags": (
            [{"id": "aggregate_only_metrics", "evidence": "we watch the overall WER"}]
            if flag
            else []
        ),
        "feedback": "Add the privacy limits and how success is measured after launch.",
        "scorer": "offline",
        "versions": {"bank": "test", "index": "test", "scorer": "offline-1"},
    }


SESSIONS = [
    # id, started, status, score, verdict, criteria met
    ("20260103-100000-aaaaaa", "2026-01-03T10:00:00Z", "finished", 82, "strong", 8),
    ("20260101-090000-bbbbbb", "2026-01-01T09:00:00Z", "paused", 35, "weak", 3),
    ("20260102-140000-cccccc", "2026-01-02T14:00:00Z", "finished", 61, "adequate", 6),
]


def seed_store() -> TranscriptStore:
    store = TranscriptStore()
    for session_id, started, status, score, verdict, met in SESSIONS:
        store.create_session(
            session_id,
            started=started,
            mode="text",
            prompt_ids=["warmup.constraints"],
            versions={"bank": "test"},
        )
        store.write_turn(
            session_id,
            0,
            Turn(
                prompt_id="warmup.constraints",
                kind="prompt",
                interviewer="Before you draw a single architecture box, what do you pin down?",
                candidate="I pin down the latency budget first, then cost and the overall WER.",
                timing={"answer_ms": 1000.0},
            ),
        )
        store.write_turn(
            session_id,
            1,
            Turn(
                prompt_id="warmup.constraints",
                kind="follow_up",
                interviewer="What privacy limits would you check?",
                candidate="Where audio may be stored, and for how long.",
                timing={"answer_ms": 800.0},
            ),
        )
        store.close_turn(
            session_id, 1, scorecard(score, verdict, met, flag=score < 50), {"prompt_ms": 5000.0}
        )
        if status == "finished":
            store.finish(session_id, finished=started, debrief={})
        else:
            store.set_status(session_id, status)
    return store
