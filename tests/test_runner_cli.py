"""`interviewer run-code` as a user runs it: JSON on stdout, exit 0/1/2, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from question_bank import load_bank
from rubric.coderun import sandbox_available

needs_sandbox = pytest.mark.skipif(sandbox_available() is not None, reason="needs bubblewrap")


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "agent", "run-code", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@needs_sandbox
def test_reference_passes_with_json_and_exit_0(tmp_path: Path):
    source = load_bank().prompt("r3.rollback_target").coding.reference_solution
    (tmp_path / "mine.py").write_text(source)
    out = run_cli("--prompt", "r3.rollback_target", "--file", str(tmp_path / "mine.py"), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["status"] == "pass" and data["failed"] == 0
    assert data["complexity"]["verdict"].startswith("yours scales as about n^")


@needs_sandbox
def test_wrong_answer_exits_1_and_human_form_names_the_case(tmp_path: Path):
    (tmp_path / "mine.py").write_text(
        "def resolve_rollback_target(releases, tenant, family):\n    return 'v1'\n"
    )
    out = run_cli("--prompt", "r3.rollback_target", "--file", str(tmp_path / "mine.py"))
    assert out.returncode == 1
    assert "fail" in out.stdout and "no_releases" in out.stdout and "expected None" in out.stdout


@needs_sandbox
def test_syntax_error_is_a_json_error_with_the_line(tmp_path: Path):
    (tmp_path / "mine.py").write_text(
        "def max_window_error_rate(records, window_seconds):\n    return (\n"
    )
    out = run_cli("--prompt", "r3.sliding_window", "--file", str(tmp_path / "mine.py"), "--json")
    assert out.returncode == 1
    data = json.loads(out.stdout)
    assert data["status"] == "error"
    assert "SyntaxError" in data["cases"][0]["detail"] and "line" in data["cases"][0]["detail"]


def test_missing_file_and_unknown_prompt_exit_2_with_one_line(tmp_path: Path):
    out = run_cli("--prompt", "r3.sliding_window", "--file", str(tmp_path / "nope.py"))
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "nope.py" in out.stderr
    (tmp_path / "mine.py").write_text("x = 1\n")
    out = run_cli("--prompt", "r9.nothing", "--file", str(tmp_path / "mine.py"))
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "r3.sliding_window" in out.stderr  # the valid ids are listed


def test_without_bubblewrap_it_refuses_in_one_line_with_the_install_hint(tmp_path: Path):
    (tmp_path / "mine.py").write_text("def max_window_error_rate(r, w):\n    return 0.0\n")
    bare_path = str(tmp_path / "empty-bin")
    os.mkdir(bare_path)
    out = run_cli(
        "--prompt",
        "r3.sliding_window",
        "--file",
        str(tmp_path / "mine.py"),
        env={"PATH": bare_path},
    )
    assert out.returncode == 2
    assert out.stderr.strip().endswith("install it: apt-get install bubblewrap")
    assert out.stdout == ""
