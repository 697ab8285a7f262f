"""`interviewer practice --headless`, `sessions` and the bad-input paths, as a script uses them."""

from __future__ import annotations

import json

from test_graph_support import *  # noqa: F403
from test_graph_support import (
    FOLLOW_UP_ANSWER,
    SPOKEN,
    SPOKEN_2,
    WEAK_ANSWER,
    interviewer,
    write_answers,
)

TURN_KEYS = {
    "prompt_id",
    "kind",
    "interviewer",
    "candidate",
    "code",
    "scorecard",
    "timing",
    "overrides",
}


def test_headless_run_prints_the_finished_transcript(exam_home, tmp_path):
    answers = write_answers(
        tmp_path / "a.jsonl",
        [
            {"prompt_id": SPOKEN, "answer": WEAK_ANSWER},
            {"prompt_id": SPOKEN, "answer": FOLLOW_UP_ANSWER},
            {
                "prompt_id": SPOKEN_2,
                "answer": "I would look at the TTS first-byte latency by region and roll back.",
            },
        ],
    )
    done = interviewer(
        "practice",
        "--headless",
        "--answers",
        str(answers),
        "--prompts",
        f"{SPOKEN_2},{SPOKEN}",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    transcript = json.loads(done.stdout)
    assert set(transcript) >= {"session_id", "started", "finished", "mode", "versions", "turns"}
    assert transcript["mode"] == "text" and transcript["finished"]
    assert set(transcript["versions"]) >= {
        "bank",
        "index",
        "scorer",
        "llm",
        "asr_model",
        "tts_voice",
        "settings",
    }
    for turn in transcript["turns"]:
        assert set(turn) == TURN_KEYS
    # Exam order, whatever order --prompts named them in.
    assert [t["prompt_id"] for t in transcript["turns"]][0] == SPOKEN
    answered = [t["candidate"] for t in transcript["turns"] if t["candidate"]]
    assert answered[:2] == [WEAK_ANSWER, FOLLOW_UP_ANSWER]
    closing = [t for t in transcript["turns"] if t["scorecard"]]
    assert [t["prompt_id"] for t in closing] == [SPOKEN, SPOKEN_2]

    listed = interviewer("sessions", "--json")
    assert listed.returncode == 0
    [item] = json.loads(listed.stdout)
    assert item["session_id"] == transcript["session_id"]
    assert item["status"] == "finished" and item["mode"] == "text"
    assert set(item) == {"session_id", "started", "finished", "mode", "status", "score"}


def test_missing_answer_pauses_with_exit_3_and_resume_finishes(exam_home, tmp_path):
    answers = write_answers(tmp_path / "a.jsonl", [{"prompt_id": SPOKEN, "answer": WEAK_ANSWER}])
    paused = interviewer(
        "practice",
        "--headless",
        "--answers",
        str(answers),
        "--prompts",
        f"{SPOKEN},{SPOKEN_2}",
        "--json",
    )
    assert paused.returncode == 3, paused.stderr
    last = paused.stderr.strip().splitlines()[-1]
    assert last.startswith("paused: ")
    sid = last.removeprefix("paused: ")
    [item] = json.loads(interviewer("sessions", "--json").stdout)
    assert item["session_id"] == sid and item["status"] == "paused"

    write_answers(
        answers,
        [
            {"prompt_id": SPOKEN, "answer": WEAK_ANSWER},
            {"prompt_id": SPOKEN_2, "answer": "Check the TTS queue and roll back the voice."},
        ],
    )
    done = interviewer(
        "practice", "--headless", "--answers", str(answers), "--resume", sid, "--json"
    )
    assert done.returncode == 0, done.stderr
    turns = json.loads(done.stdout)["turns"]
    assert [t["candidate"] for t in turns].count(WEAK_ANSWER) == 1
    assert {t["prompt_id"] for t in turns} == {SPOKEN, SPOKEN_2}

    again = interviewer("practice", "--headless", "--answers", str(answers), "--resume", sid)
    assert again.returncode == 2
    assert len(again.stderr.strip().splitlines()) == 1 and "finished" in again.stderr


def test_malformed_answer_lines_are_named_and_the_rest_used(exam_home, tmp_path):
    answers = write_answers(
        tmp_path / "a.jsonl",
        [
            "{not json",
            {"prompt_id": SPOKEN, "answer": WEAK_ANSWER},
            '["a list"]',
            {"prompt_id": SPOKEN},
        ],
    )
    done = interviewer(
        "practice", "--headless", "--answers", str(answers), "--prompts", SPOKEN, "--json"
    )
    assert done.returncode == 0, done.stderr
    errors = [line for line in done.stderr.splitlines() if "line " in line]
    assert any("line 1" in e for e in errors) and any("line 3" in e for e in errors)
    turns = json.loads(done.stdout)["turns"]
    assert turns[0]["candidate"] == WEAK_ANSWER
    # Line 4 has no answer: an empty follow-up reply, "no answer", not a crash.
    assert turns[1]["candidate"] == ""


def test_unknown_prompt_id_lists_the_valid_ones(exam_home, tmp_path):
    answers = write_answers(tmp_path / "a.jsonl", [{"prompt_id": SPOKEN, "answer": "x"}])
    bad = interviewer("practice", "--headless", "--answers", str(answers), "--prompts", "r9.nope")
    assert bad.returncode == 2
    [line] = bad.stderr.strip().splitlines()
    assert "r9.nope" in line and "warmup.constraints" in line and "r3.rollback_target" in line


def test_resume_of_unknown_session_is_one_line_exit_2(exam_home, tmp_path):
    answers = write_answers(tmp_path / "a.jsonl", [{"prompt_id": SPOKEN, "answer": "x"}])
    bad = interviewer("practice", "--headless", "--answers", str(answers), "--resume", "no-such")
    assert bad.returncode == 2
    [line] = bad.stderr.strip().splitlines()
    assert "no-such" in line
