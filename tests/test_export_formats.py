"""`interviewer export SESSION --format json|md|html`: what a coach opens after the exam."""

from __future__ import annotations

import html
import json
import re

import pytest
from test_graph_support import *  # noqa: F403
from test_graph_support import SPOKEN, WEAK_ANSWER, interviewer, write_answers

FLAGGED = "We only look at aggregate WER; it improved, so ship it to everyone and keep going."


@pytest.fixture
def finished(exam_home, tmp_path) -> dict:
    answers = write_answers(
        tmp_path / "a.jsonl",
        [
            {"prompt_id": "warmup.constraints", "answer": FLAGGED},
            {"prompt_id": SPOKEN, "answer": WEAK_ANSWER},
        ],
    )
    done = interviewer(
        "practice",
        "--headless",
        "--answers",
        str(answers),
        "--prompts",
        f"warmup.constraints,{SPOKEN}",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_json_export_is_the_headless_transcript(finished):
    out = interviewer("export", finished["session_id"], "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == finished


def test_markdown_export_has_the_turns_and_the_criteria(finished):
    out = interviewer("export", finished["session_id"], "--format", "md")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.startswith(f"# Session {finished['session_id']}")
    assert WEAK_ANSWER in text
    assert "| criterion | status | evidence |" in text
    assert "## Debrief" in text


def test_html_export_is_one_self_contained_page_for_a_coach(finished, tmp_path):
    target = tmp_path / "report.html"
    out = interviewer("export", finished["session_id"], "--format", "html", "--out", str(target))
    assert out.returncode == 0 and out.stdout == ""
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>")
    # Self-contained: nothing fetched from anywhere.
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", page)
    assert "<link" not in page and "<script" not in page
    assert page.count("<svg") == 1 and "score per signal" in page
    # Evidence is highlighted inside the candidate's answer.
    spoken_card = next(
        t["scorecard"] for t in finished["turns"] if t["scorecard"] and t["prompt_id"] == SPOKEN
    )
    evidence = [c["evidence"] for c in spoken_card["criteria"] if c["evidence"]]
    assert evidence
    assert f"<mark>{html.escape(evidence[0])}</mark>" in page
    # Red flags with their evidence, and the timings.
    flags = [f for t in finished["turns"] if t["scorecard"] for f in t["scorecard"]["red_flags"]]
    assert flags
    assert "Red flags" in page and html.escape(flags[0]["evidence"]) in page
    assert "Timings:" in page and "answer_ms" in page


def test_export_of_unknown_session_is_one_line(exam_home):
    out = interviewer("export", "nope", "--format", "html")
    assert out.returncode == 2
    [line] = out.stderr.strip().splitlines()
    assert "nope" in line
