"""`practice --headless`: the exam graph driven by a JSONL file of answers, for scripts.

Each line is {"prompt_id": ..., "answer": ..., "code": optional}. When the interviewer asks a
prompt, the first unused line for that id answers it; a follow-up takes the next unused line for
the same id, and where there is none the candidate adds nothing and the exam moves on. A prompt
with no line at all pauses the session: exit 3, last stderr line `paused: SESSION_ID`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXIT_PAUSED = 3


@dataclass(frozen=True)
class AnswerLine:
    prompt_id: str
    answer: str
    code: str | None


class AnswersError(Exception):
    """The answers file cannot be read at all."""


def read_answers(
    path: str | Path, valid_ids: list[str]
) -> tuple[dict[str, list[AnswerLine]], list[str]]:
    """Lines grouped by prompt id, in file order, and one problem per malformed line."""
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError(f"{path}: cannot read answers file ({exc})") from exc
    by_prompt: dict[str, list[AnswerLine]] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{path}: line {number}"
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not valid JSON ({exc.msg}); line skipped")
            continue
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a JSON object; line skipped")
            continue
        pid, answer, code = item.get("prompt_id"), item.get("answer", ""), item.get("code")
        if not isinstance(pid, str) or pid not in valid_ids:
            problems.append(
                f"{where}: unknown prompt_id {pid!r} (valid: {', '.join(valid_ids)}); line skipped"
            )
            continue
        if answer is None:
            answer = ""
        if not isinstance(answer, str) or (code is not None and not isinstance(code, str)):
            problems.append(f"{where}: 'answer' and 'code' must be strings; line skipped")
            continue
        by_prompt.setdefault(pid, []).append(AnswerLine(pid, answer, code))
    return by_prompt, problems


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _show(utterances: list[Any], *, as_text: bool) -> None:
    for utt in utterances:
        if utt.kind == "notice":
            _err(f"interviewer: {utt.text}")
        elif as_text:
            sys.stdout.write(f"[{utt.kind}] {utt.text}\n\n")
    if as_text:
        sys.stdout.flush()


def run_headless(
    settings: Any,
    answers_path: str | Path,
    *,
    prompt_ids: list[str] | None = None,
    resume: str | None = None,
    as_json: bool = True,
    clock: Any = None,
) -> int:
    from question_bank import load_bank

    from .session import ExamSession, SessionError

    bank = load_bank(settings.exam.bank_path or None)
    answers, problems = read_answers(answers_path, bank.prompt_ids)
    for problem in problems:
        _err(f"interviewer: {problem}")

    if resume:
        session = ExamSession.resume(resume, settings, clock=clock)
    else:
        session = ExamSession.start(settings, prompt_ids, mode="text", clock=clock)
    try:
        _show(session.opening().utterances, as_text=not as_json)
        while not session.finished:
            pending = session.pending
            if pending is None:  # nothing asked and not finished: never spin, never print half
                raise SessionError(f"session {session.session_id} stopped without a question")
            lines = answers.get(pending.prompt_id, [])
            used = session.answered(pending.prompt_id)
            if used < len(lines):
                line = lines[used]
                if not as_json:
                    sys.stdout.write(f"[candidate] {line.answer}\n\n")
                reply = session.submit(line.answer, line.code)
            elif pending.kind == "follow_up":
                reply = session.submit("")  # nothing more to add on this prompt
            else:
                session.pause()
                _err(
                    f"interviewer: no answer in {answers_path} for {pending.prompt_id}; session paused"
                )
                _err(f"paused: {session.session_id}")
                return EXIT_PAUSED
            _show(reply.utterances, as_text=not as_json)
        transcript = session.transcript()
        if as_json:
            sys.stdout.write(
                json.dumps(transcript.model_dump(mode="json"), ensure_ascii=False) + "\n"
            )
        else:
            sys.stdout.write(f"session {session.session_id} finished\n")
        sys.stdout.flush()
        return 0
    finally:
        session.close()
