"""`interviewer score` as a user runs it: JSON on stdout, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from scorer_support import labelled

from agent.cli import main


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    # One data home (and so one index) for the module; the autouse fixture gives each test its own.
    return tmp_path_factory.mktemp("score-home")


@pytest.fixture(autouse=True)
def _shared_home(home, monkeypatch):
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))


def test_score_one_answer_as_json(capsys, home):
    row = labelled()["accent.strong"]
    code = main(["score", "--prompt", row["prompt_id"], "--answer", row["answer"], "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 0 and len(out) == 1
    card = json.loads(out[0])
    assert "id" not in card
    assert card["prompt_id"] == "r2.accent_regression"
    assert card["verdict"] == "strong"
    assert card["scorer"] == "offline"
    assert (home / "index").is_dir()


def test_score_answer_file_in_plain_text(capsys, tmp_path):
    path = tmp_path / "answer.txt"
    path.write_text("Roll back the voice release and compare cold versus warm paths.", "utf-8")
    code = main(["score", "--prompt", "r2.tts_first_byte", "--answer-file", str(path)])
    out = capsys.readouterr().out
    assert code == 0 and "r2.tts_first_byte" in out and "feedback:" in out


def test_jsonl_scores_good_lines_and_names_bad_ones(capsys, tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(
                    {"id": "a1", "prompt_id": "r2.tts_first_byte", "answer": "Roll back the voice."}
                ),
                "{not json",
                json.dumps({"id": "a3", "prompt_id": "nope", "answer": "x"}),
                json.dumps({"id": "a4", "prompt_id": "r3.sliding_window", "answer": "  "}),
                json.dumps(
                    {"id": "a5", "prompt_id": "r3.rollback_target", "answer": "I did not test it."}
                ),
            ]
        )
        + "\n",
        "utf-8",
    )
    code = main(["score", "--answers-jsonl", str(path), "--json"])
    captured = capsys.readouterr()
    cards = [json.loads(line) for line in captured.out.strip().splitlines()]
    assert code == 2
    assert [c["id"] for c in cards] == ["a1", "a5"]
    errors = captured.err.strip().splitlines()
    assert any("line 2" in e for e in errors)
    assert any("line 3" in e and "valid ids" in e for e in errors)
    assert any("line 4" in e and "empty" in e for e in errors)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--prompt", "r2.tts_first_byte", "--answer", "   "], "empty"),
        (["--prompt", "no.such", "--answer", "hello"], "valid ids: warmup.constraints"),
        (
            ["--prompt", "r2.tts_first_byte", "--answer-file", "/nonexistent/answer.txt"],
            "cannot read",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, needle, home):
    proc = subprocess.run(
        [sys.executable, "-m", "agent", "score", *args],
        capture_output=True,
        text=True,
        env={
            "INTERVIEWER_HOME": str(home),
            "PATH": "/usr/bin:/bin",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        },
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]
