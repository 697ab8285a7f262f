"""Coding prompts in the spoken exam: the invariant is said aloud, the code is written in a file
(the candidate's own editor), and the hidden tests run on it in the sandbox."""

from __future__ import annotations

import json
import types

from agent.code_desk import CodeDesk
from voice.recordings import Answer, VoiceBank, make_recording

SOLUTION = """from collections import deque


def max_window_error_rate(records, window_seconds):
    window, errors, best = deque(), 0, 0.0
    for ts, ok in records:
        window.append((ts, ok))
        errors += not ok
        while window[0][0] < ts - window_seconds:
            errors -= not window.popleft()[1]
        best = max(best, errors / len(window))
    return best
"""
SIGNATURE = "def max_window_error_rate(records, window_seconds):"


def _coding(prompt_id: str = "r3.sliding_window") -> types.SimpleNamespace:
    return types.SimpleNamespace(prompt_id=prompt_id, is_coding=True, signature=SIGNATURE)


def test_the_file_is_made_with_the_signature_and_its_path_told_once(tmp_path):
    told: list[str] = []
    desk = CodeDesk(tmp_path / "code", told.append)
    pending = _coding()
    desk.prepare(pending)
    desk.prepare(pending)  # the follow-up on the same prompt
    path = tmp_path / "code" / "r3.sliding_window.py"
    assert path.read_text().startswith(SIGNATURE)
    assert told == [f"write your code in {path}: it is run when you finish your answer"]
    assert desk.code_for(pending) is None  # untouched: no code yet, and the screen says so
    assert told[1] == f"no code in {path} yet: write it there; it is run with your next answer"
    path.write_text(SOLUTION)
    assert desk.code_for(pending) == SOLUTION
    spoken = types.SimpleNamespace(prompt_id="warmup.constraints", is_coding=False, signature=None)
    desk.prepare(spoken)
    assert desk.code_for(spoken) is None and len(told) == 2


def test_a_code_folder_that_cannot_be_written_is_refused_before_the_exam(tmp_path, capsys):
    from agent.cli import main

    (tmp_path / "notes.txt").write_text("a file, not a folder")
    folder = tmp_path / "notes.txt" / "code"
    argv = ["voice", "--mic-file", str(tmp_path / "missing.wav"), "--code-dir", str(folder)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"interviewer: --code-dir {folder}: cannot write there (Not a directory)"]


def test_a_file_that_cannot_be_made_leaves_the_answer_spoken(tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    told: list[str] = []
    desk = CodeDesk(tmp_path / "notes.txt" / "code", told.append)
    desk.prepare(_coding())  # a folder gone bad mid-exam: said, and the exam goes on
    assert len(told) == 1 and told[0].startswith("cannot make ")
    assert desk.code_for(_coding(), last_chance=True) is None


def test_code_already_in_the_folder_is_kept(tmp_path):
    (tmp_path / "r3.sliding_window.py").write_text(SOLUTION)
    desk = CodeDesk(tmp_path, lambda _: None)
    desk.prepare(_coding())
    assert desk.code_for(_coding()) == SOLUTION


def test_the_spoken_exam_runs_the_hidden_tests_on_the_code_file(tmp_path, capsys):
    from agent.cli import main

    code_dir = tmp_path / "code"
    code_dir.mkdir()
    (code_dir / "r3.sliding_window.py").write_text(SOLUTION)
    said = [
        "I would keep a queue of the records inside the window and a running count of errors.",
        "Each new record goes in, and the ones that fell out of the window come off the front.",
    ]
    rec = make_recording(
        tmp_path / "in.wav", "piper-slow", [Answer(12.0, said, [0.4])], tail_s=8.0, bank=VoiceBank()
    )
    argv = ["voice", "--prompts", "r3.sliding_window", "--mic-file", str(rec.path)]
    code = main([*argv, "--code-dir", str(code_dir)])
    captured = capsys.readouterr()
    assert code == 3
    assert f"write your code in {code_dir / 'r3.sliding_window.py'}" in captured.err
    # The runner's result is read back to the candidate, who never typed into the exam.
    assert "hidden tests pass" in captured.out and "fail" not in captured.out.lower()
    session_id = captured.err.strip().splitlines()[-1].split()[1]

    assert main(["export", session_id, "--format", "json"]) == 0
    turn = json.loads(capsys.readouterr().out)["turns"][0]
    assert turn["code"] == SOLUTION and "queue" in turn["candidate"].lower()


def test_asked_where_the_code_goes_the_interviewer_points_to_the_file(tmp_path, capsys):
    """The file's path was only printed; aloud, nothing said where the code goes, and "Where do
    I write the code?" was met with "Good question. Make the assumption you think is most
    reasonable...". The interviewer now says once, after the first coding question, that the
    code goes in the file on the screen, and answers the question with the same."""
    from agent.clarify import CODE_LANGUAGE
    from agent.cli import main
    from agent.voice_face import CODE_FILE, CODE_WHERE

    rec = make_recording(
        tmp_path / "in.wav",
        "piper-slow",
        [Answer(75.0, ["Where do I write the code?"]), Answer(88.0, ["Can I write it in Java?"])],
        tail_s=10.0,
        bank=VoiceBank(),
    )
    argv = ["voice", "--prompts", "r3.sliding_window", "--mic-file", str(rec.path)]
    assert main([*argv, "--code-dir", str(tmp_path / "code")]) == 3
    captions = capsys.readouterr().out.strip().splitlines()
    asked = next(i for i, line in enumerate(captions) if line.startswith("you: "))
    assert captions[:asked].count(f"interviewer: {CODE_FILE}") == 1
    assert "where" in captions[asked].lower()
    assert captions[asked + 1] == f"interviewer: {CODE_WHERE}"
    # "Can I write it in Java?" was met with "Sure, go ahead.": the hidden tests run Python.
    assert "java" in captions[asked + 2].lower()
    assert captions[asked + 3] == f"interviewer: {CODE_LANGUAGE}"
