"""A headless exam killed with SIGKILL at many points resumes with no turn lost or repeated."""

from __future__ import annotations

import json
import signal

import pytest
from test_graph_support import *  # noqa: F403
from test_graph_support import (
    FOLLOW_UP_ANSWER,
    SPOKEN,
    SPOKEN_2,
    WEAK_ANSWER,
    interviewer,
    write_answers,
)

PROMPTS = f"warmup.constraints,{SPOKEN},{SPOKEN_2}"
ANSWERS = [
    {
        "prompt_id": "warmup.constraints",
        "answer": "I would ask about latency targets, users and budget first.",
    },
    {"prompt_id": SPOKEN, "answer": WEAK_ANSWER},
    {"prompt_id": SPOKEN, "answer": FOLLOW_UP_ANSWER},
    {
        "prompt_id": SPOKEN_2,
        "answer": "Look at TTS first-byte latency per region and roll back the voice.",
    },
]


def _shape(transcript: dict) -> list[tuple]:
    return [
        (
            t["prompt_id"],
            t["kind"],
            t["interviewer"],
            t["candidate"],
            (t["scorecard"] or {}).get("score"),
        )
        for t in transcript["turns"]
    ]


def _newest_session() -> str:
    return json.loads(interviewer("sessions", "--json").stdout)[-1]["session_id"]


@pytest.fixture
def reference(exam_home, tmp_path):
    answers = write_answers(tmp_path / "answers.jsonl", ANSWERS)
    done = interviewer(
        "practice", "--headless", "--answers", str(answers), "--prompts", PROMPTS, "--json"
    )
    assert done.returncode == 0, done.stderr
    return answers, _shape(json.loads(done.stdout))


@pytest.mark.parametrize(
    "kill_at",
    [
        "node:intro:1",  # before the first question
        "answer_received:1",  # the answer reached the graph but nothing is stored yet
        "turn_written:1",  # the first turn is committed, its checkpoint is not
        "node:assess:2",  # mid-prompt, with a follow-up pending
        "node:follow_up:2",
        "turn_written:4",
        "node:close:2",  # the scorecard is being attached
        "node:ask:3",
        "node:debrief:1",  # every turn stored, the debrief not yet
    ],
)
def test_killed_session_resumes_without_losing_or_repeating_a_turn(reference, kill_at):
    answers, expected = reference
    killed = interviewer(
        "practice",
        "--headless",
        "--answers",
        str(answers),
        "--prompts",
        PROMPTS,
        "--json",
        env={"INTERVIEWER_TEST_KILL_AT": kill_at},
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    sid = _newest_session()
    resumed = interviewer(
        "practice", "--headless", "--answers", str(answers), "--resume", sid, "--json"
    )
    assert resumed.returncode == 0, resumed.stderr
    transcript = json.loads(resumed.stdout)
    assert transcript["session_id"] == sid
    assert _shape(transcript) == expected
