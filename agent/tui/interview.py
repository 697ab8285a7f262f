"""The interview view: the conversation, the timer, the answer editor and, for coding, the code.

Everything that can take more than a moment (opening the session, scoring, the interviewer's
follow-up from an LLM, the sandboxed test run) runs in a thread worker through the SessionGate,
with a progress line in the conversation, so the screen keeps drawing and the keys keep working.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Footer, Label, LoadingIndicator, Static, TextArea

from voice.words import asks_to_stop

from ..clarify import (
    CODE_LANGUAGE,
    DISPUTED,
    Clarifier,
    asks_for_feedback_again,
    asks_where_code_goes,
    asks_which_language,
    disputes_the_score,
    is_clarifying,
)
from .gate import SessionGate
from .render import as_dict, field, mmss, run_result_content, verdict_line
from .results import DebriefScreen, ScorecardScreen

ROLE = {"interviewer": "Interviewer", "candidate": "You"}
SPOKEN_PLACEHOLDER = "Type your answer here. ctrl+s submits it."
CODING_PLACEHOLDER = "State the invariant here. ctrl+r runs the hidden tests; ctrl+s submits both."


class Turn(Static):
    """One turn of the conversation: who spoke, and what (never parsed as markup)."""

    def __init__(self, role: str, text: str, *, kind: str = "") -> None:
        label = "Interviewer" if role == "interviewer" else "You"
        if kind in ("notice", "time"):
            label = "Notice"
        body = Content.assemble((label + "\n", "bold"), text.strip())
        super().__init__(body, classes=f"turn -{role} -{kind or 'answer'}")


class ConversationPane(VerticalScroll):
    """The turns so far. Once they overflow it, the pane is anchored to its end: the editors
    below resize as focus moves, and a pane scrolled to its end as a turn was mounted left the
    newest reply a line below the fold. Not before: an anchored pane holds a short
    conversation at its foot."""

    def watch_virtual_size(self, size: Size) -> None:
        shown = self.container_size.height
        if not self.is_anchored and 0 < shown < size.height:  # 0: not laid out yet
            self.anchor()


class Busy(Horizontal):
    """A progress line: shown for work that may take longer than a second."""

    def __init__(self, message: str) -> None:
        super().__init__(classes="busy")
        self.message = message

    def compose(self) -> ComposeResult:
        yield LoadingIndicator()
        yield Label(self.message)


class InterviewScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("ctrl+r", "run_code", "Run tests", priority=True),
        Binding("f6", "next_pane", "Next pane", priority=True),
        Binding("f2", "last_scorecard", "Last scorecard"),
        Binding("ctrl+q", "app.quit_exam", "Quit (resumable)", priority=True),
    ]

    def __init__(
        self,
        settings: Any,
        *,
        bank: Any,
        prompt_ids: list[str] | None = None,
        resume: str | None = None,
        clock: Any = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.bank = bank
        self.prompt_ids = prompt_ids
        self.resume_id = resume
        self.clock = clock
        self.gate: SessionGate | None = None
        self.pending: Any = None
        self.busy = False
        self.finished = False
        self._coding_prompt: str | None = None
        # Prompts whose budget ran out and were closed (the budget covers the follow-ups too).
        self._timed_out: set[str] = set()
        self._code_start = ""
        self._shown_at = time.monotonic()
        self._last_card: tuple[dict[str, Any], str, str | None] | None = None
        self._feedback_fresh = False  # a scorecard shown, and no answer since
        self._clarifier = Clarifier(llm=getattr(getattr(settings, "llm", None), "model", ""))
        # Clarifying questions asked before the answer: they go in front of it when it is sent.
        self._asked_first = ""
        self._kept_draft: dict[str, Any] | None = None  # the unsent draft as last stored

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="status-bar"):
            yield Label("Opening the exam…", id="where")
            yield Label("", id="timer")
        yield ConversationPane(id="conversation")
        with Vertical(id="coding"):
            yield TextArea.code_editor("", language="python", id="code", theme=self._code_theme())
            with VerticalScroll(id="cases-box"):
                yield Static("ctrl+r runs the hidden tests on this code.", id="cases")
        yield TextArea(
            "", id="answer", soft_wrap=True, tab_behavior="focus", placeholder=SPOKEN_PLACEHOLDER
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#coding").display = False
        self.watch(self.app, "theme", self._theme_changed, init=False)
        self._set_busy("Loading the exam (bank, scorer, index)…")
        self._open_session()
        self.set_interval(1.0, self.refresh_timer)

    def _code_theme(self) -> str:
        dark = getattr(self.app, "current_theme", None)
        return "monokai" if dark is None or dark.dark else "github_light"

    def _theme_changed(self, _theme: str) -> None:
        self.query_one("#code", TextArea).theme = self._code_theme()

    # -- session calls (workers) ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="session")
    def _open_session(self) -> None:
        from ..session import ExamSession

        try:
            if self.resume_id:
                session = ExamSession.resume(self.resume_id, self.settings, clock=self.clock)
            else:
                session = ExamSession.start(
                    self.settings, prompt_ids=self.prompt_ids, mode="text", clock=self.clock
                )
            gate = SessionGate(session)
            reply = gate.call(lambda s: s.opening())
        except Exception as exc:  # noqa: BLE001 - any failure to open is shown, then we leave
            self._from_thread(self._open_failed, exc)
            return
        self._from_thread(self._opened, gate, reply)

    @work(thread=True, exclusive=True, group="session")
    def _submit(self, answer: str, code: str | None, timing: dict[str, float]) -> None:
        assert self.gate is not None
        try:
            reply = self.gate.call(lambda s: s.submit(answer, code=code, timing=timing))
        except Exception as exc:  # noqa: BLE001 - the exam goes on; the candidate can retry
            self._from_thread(self._failed, "Submitting failed", exc, answer)
            return
        self._from_thread(self._apply, reply)

    @work(thread=True, exclusive=True, group="session")
    def _time_up(self, draft: str, code: str | None) -> None:
        """Close the prompt at its budget; words typed but not yet submitted still count."""
        assert self.gate is not None

        def close(session: Any) -> Any:
            if not draft and not code:
                return session.time_up()
            # Scored, and the prompt closed: the time is spent, so no follow-up is drawn.
            return session.submit(draft, code=code, timing=self._answer_timing(), time_up=True)

        try:
            reply = self.gate.call(close)
        except Exception as exc:  # noqa: BLE001
            self._from_thread(self._failed, "Closing the prompt failed", exc, draft or None)
            return
        self._from_thread(self._apply, reply)

    @work(thread=True, exclusive=True, group="session")
    def _run_code(self, code: str) -> None:
        assert self.gate is not None
        try:
            result = self.gate.call(lambda s: s.run_code(code))
        except Exception as exc:  # noqa: BLE001
            self._from_thread(self._failed, "Running the tests failed", exc, None)
            return
        self._from_thread(self._show_run, as_dict(result))

    def _from_thread(self, fn: Any, *args: Any) -> None:
        # The app may already be gone (the candidate quit while a score was computed); the
        # session has stored what it did, so there is nothing left to draw.
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(fn, *args)

    # -- applying results (UI thread) -------------------------------------------------------

    def _opened(self, gate: SessionGate, reply: Any) -> None:
        self.gate = gate
        self.app.session_id = gate.session_id  # type: ignore[attr-defined]
        self._clear_busy()
        if self.resume_id:
            self._replay_history()
        self._apply(reply)
        if self.resume_id:
            self._restore_draft()

    def _open_failed(self, exc: Exception) -> None:
        self._clear_busy()
        self.app.error = str(exc)  # type: ignore[attr-defined]
        self.app.exit(return_code=2)

    def _failed(self, what: str, exc: Exception, answer: str | None) -> None:
        self._clear_busy()
        if answer is not None and not self.query_one("#answer", TextArea).text.strip():
            # Give the candidate their words back so nothing typed is lost.
            self.query_one("#answer", TextArea).text = answer
        self.notify(f"{what}: {exc}", severity="error", timeout=10)

    def _replay_history(self) -> None:
        """On resume, show the turns already taken so the candidate sees where they were."""
        try:
            from ..store import TranscriptStore

            transcript = TranscriptStore().load(self.gate.session_id)  # type: ignore[union-attr]
        except Exception:  # noqa: BLE001 - history is a courtesy; the exam goes on without it
            return
        for turn in transcript.turns:
            if turn.interviewer:
                self._add(Turn("interviewer", turn.interviewer, kind=turn.kind))
            if turn.candidate or turn.code:
                self._add(Turn("candidate", _candidate_text(turn.candidate, turn.code)))

    def _apply(self, reply: Any) -> None:
        self._clear_busy()
        card: dict[str, Any] | None = None
        card_prompt: str | None = None
        reveal: str | None = None
        debrief: dict[str, Any] | None = None
        for utt in field(reply, "utterances", []) or []:
            kind = field(utt, "kind", "")
            text = str(field(utt, "text", "") or "")
            data = field(utt, "data") or {}
            if kind == "feedback" and data:
                card = dict(data.get("scorecard", data)) if isinstance(data, Mapping) else None
                card_prompt = field(utt, "prompt_id")
                if card:
                    self._add(Static(verdict_line(card), classes="turn -verdict"))
            elif kind == "reveal":
                reveal = text
                continue  # shown in the scorecard panel, where it belongs
            elif kind == "debrief":
                debrief = dict(data) if data else {"text": text}
                continue
            elif kind == "code_result" and data:
                self._show_run(dict(data))
            if kind in ("notice", "time") and text:
                self.notify(text, severity="warning", timeout=8)
            if text:
                self._add(Turn("interviewer", text, kind=kind))
        self._set_pending(field(reply, "pending"))
        finished = bool(field(reply, "finished", False)) or debrief is not None
        if finished:
            self.finished = True
            self.app.finished = True  # type: ignore[attr-defined]
        then = (lambda: self._show_debrief(debrief or {})) if finished else self._focus_editor
        if card:
            # The last prompt's scorecard first; the debrief once the candidate has read it.
            self._show_scorecard(card, card_prompt or "", reveal, then=then)
        elif finished:
            then()

    def _show_debrief(self, data: dict[str, Any]) -> None:
        session_id = self.gate.session_id if self.gate else ""
        self.app.push_screen(DebriefScreen(data, session_id=session_id), lambda _: self._done())

    def _done(self) -> None:
        if self.gate is not None:
            with contextlib.suppress(Exception):
                self.gate.session.close()
        self.app.exit(return_code=0)

    def _show_scorecard(
        self,
        card: dict[str, Any],
        prompt_id: str,
        reveal: str | None,
        then: Any = None,
    ) -> None:
        self._last_card = (card, prompt_id, reveal)
        self._feedback_fresh = True
        statements: dict[str, str] = {}
        title = f"Scorecard · {prompt_id}"
        try:
            prompt = self.bank.prompt(prompt_id)
            statements = {c.id: c.statement for c in prompt.criteria}
            title = f"Scorecard · {prompt.title}"
        except Exception:  # noqa: BLE001 - an unknown id still shows the ids
            pass
        flags = {f.id: f.title for f in getattr(self.bank, "red_flags", [])}
        self.app.push_screen(
            ScorecardScreen(
                card, title=title, statements=statements, red_flag_titles=flags, reveal=reveal
            ),
            lambda _: (then or self._focus_editor)(),
        )

    def _set_pending(self, pending: Any) -> None:
        self.pending = pending
        self._shown_at = time.monotonic()
        where = self.query_one("#where", Label)
        coding = self.query_one("#coding")
        answer = self.query_one("#answer", TextArea)
        if pending is None:
            where.update("No question pending")
            coding.display = False
            self.refresh_bindings()
            return
        pid = field(pending, "prompt_id", "")
        section = field(pending, "section", "")
        with contextlib.suppress(Exception):
            section = self.bank.section(section).title
        label = "follow-up" if field(pending, "kind") == "follow_up" else "prompt"
        where.update(Content.assemble((pid, "bold"), f" · {label} · ", section))
        is_coding = bool(field(pending, "is_coding", False))
        coding.display = is_coding
        answer.placeholder = CODING_PLACEHOLDER if is_coding else SPOKEN_PLACEHOLDER
        answer.read_only = False
        code = self.query_one("#code", TextArea)
        code.read_only = False
        if is_coding and self._coding_prompt != pid:
            # A new coding prompt starts from its signature; a follow-up keeps the code.
            self._coding_prompt = pid
            signature = str(field(pending, "signature") or "").rstrip()
            self._code_start = f"{signature}\n    \n" if signature else ""
            code.text = self._code_start
            code.move_cursor((1, 4))
            self.query_one("#cases", Static).update("ctrl+r runs the hidden tests on this code.")
        self.refresh_bindings()
        self.refresh_timer()
        self._focus_editor()
        self.query_one("#conversation").scroll_end(animate=False)

    def _focus_editor(self) -> None:
        if self.pending is None:
            return
        if field(self.pending, "is_coding", False) and field(self.pending, "kind") == "prompt":
            self.query_one("#code", TextArea).focus()
        else:
            self.query_one("#answer", TextArea).focus()

    def _show_run(self, result: dict[str, Any]) -> None:
        self._clear_busy()
        self.query_one("#cases", Static).update(run_result_content(result))
        passed, failed = result.get("passed", 0), result.get("failed", 0)
        self.notify(
            f"Hidden tests: {passed} passed, {failed} failed",
            severity="information" if not failed and result.get("status") == "pass" else "warning",
        )

    # -- the conversation -------------------------------------------------------------------

    def _add(self, widget: Any) -> None:
        conversation = self.query_one("#conversation", VerticalScroll)
        conversation.mount(widget)
        conversation.scroll_end(animate=False)

    def _set_busy(self, message: str) -> None:
        self.busy = True
        self._add(Busy(message))
        for editor in self.query(TextArea):
            editor.read_only = True

    def _clear_busy(self) -> None:
        self.busy = False
        for widget in self.query(Busy):
            widget.remove()
        for editor in self.query(TextArea):
            editor.read_only = False

    # -- timer ------------------------------------------------------------------------------

    def refresh_timer(self) -> None:
        """Show the time left on the pending question; at the budget, close it."""
        if self.gate is None or self.pending is None or self.finished:
            return
        self._keep_draft()
        status = self.gate.peek(lambda s: s.time_status())
        if status is None:
            return
        elapsed, budget, level = status
        timer = self.query_one("#timer", Label)
        left = budget - elapsed
        timer.update(f"{mmss(left)} left" if left > 0 else f"over by {mmss(-left)}")
        timer.set_class(level == "warn", "-warn")
        timer.set_class(level == "over", "-over")
        prompt_id = str(field(self.pending, "prompt_id", ""))
        if level == "over" and not self.busy and prompt_id not in self._timed_out:
            self._timed_out.add(prompt_id)
            self.notify("Time is up on this one.", severity="warning")
            draft, code = self._take_draft()
            if draft or code:
                self._add(Turn("candidate", _candidate_text(draft, code)))
            self._set_busy("Time is up: closing this prompt…")
            self._time_up(self._with_questions(draft), code)
            self._keep_draft()

    def _take_draft(self) -> tuple[str, str | None]:
        """What the candidate has typed and not submitted, the answer box then emptied."""
        draft, code = self._typed()
        self.query_one("#answer", TextArea).text = ""
        return draft.strip(), code

    def _typed(self) -> tuple[str, str | None]:
        """The answer box as it is, and the code only if changed from the start."""
        code: str | None = None
        if field(self.pending, "is_coding", False):
            text = self.query_one("#code", TextArea).text
            if text.strip() and not self._untouched(text):
                code = text
        return self.query_one("#answer", TextArea).text, code

    def _untouched(self, code: str) -> bool:
        """The code editor still holds what the prompt started it with."""
        return code.strip() == self._code_start.strip()

    # -- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run_code":
            return bool(self.pending is not None and field(self.pending, "is_coding", False))
        if action == "last_scorecard":
            return self._last_card is not None
        return True

    def action_submit(self) -> None:
        if self.busy or self.gate is None or self.pending is None:
            self.notify("Wait a moment: the interviewer is still working.", severity="warning")
            return
        answer_area = self.query_one("#answer", TextArea)
        answer = answer_area.text.strip()
        code: str | None = None
        if field(self.pending, "is_coding", False):
            code = self.query_one("#code", TextArea).text
        if not answer and not (code and code.strip()):
            self.notify("Type an answer first.", severity="warning")
            return
        untouched = code is None or self._untouched(code)
        if untouched and asks_to_stop(answer):
            self._how_to_stop(answer)
            return
        if untouched and self._feedback_fresh and disputes_the_score(answer):
            self._dispute(answer)
            return
        if untouched and is_clarifying(answer):
            self._clarify(answer)
            return
        self._feedback_fresh = False
        timing = self._answer_timing()
        self._add(Turn("candidate", _candidate_text(answer, code)))
        answer_area.text = ""
        self._set_busy("Scoring your answer…")
        self._submit(self._with_questions(answer), code, timing)
        self._keep_draft()  # sent: a crash now must not bring it back as a draft

    def _dispute(self, said: str) -> None:
        """ "But I did mention privacy." after the scorecard was scored as the next question's
        answer. It is kept with the answer it is about (whose score stands), as in the spoken
        exam."""
        self.query_one("#answer", TextArea).text = ""
        self._add(Turn("candidate", said))
        if self.gate is not None:
            self.gate.call(lambda s: s.add_to_last_answer(said))
        self._add(Turn("interviewer", DISPUTED))
        self._focus_editor()

    def _clarify(self, asked: str) -> None:
        """ "Is it on the device?" is the candidate's own question, not the answer: it is
        answered at once, nothing is scored, and it goes in front of the answer (asking it is to
        the candidate's credit), as in the spoken exam."""
        self.query_one("#answer", TextArea).text = ""
        self._add(Turn("candidate", asked))
        status = self.gate.peek(lambda s: s.time_status()) if self.gate else None
        remaining = None if status is None else status[1] - status[0]
        if asks_for_feedback_again(asked) and self._last_card is not None:
            said = (
                "f2 shows the last scorecard again: the score, the feedback and the strong answer."
            )
        elif field(self.pending, "is_coding", False) and asks_where_code_goes(asked):
            said = "In the code editor above your answer (f6 moves to it): ctrl+r runs the "
            said += "hidden tests, and ctrl+s sends the code with your answer."
        elif field(self.pending, "is_coding", False) and asks_which_language(asked):
            said = CODE_LANGUAGE
        else:
            progress = self.gate.peek(lambda s: s.progress()) if self.gate else None
            last_score = self.gate.peek(lambda s: s.last_score()) if self.gate else None
            said = self._clarifier.reply(
                asked, remaining, progress, last_score=last_score, just_scored=self._feedback_fresh
            )
        self._add(Turn("interviewer", said))
        self._asked_first = f"{self._asked_first} {asked}".strip()
        self._focus_editor()

    def _how_to_stop(self, asked: str) -> None:
        """ "Can we stop here?" typed: it was met with "Sure, go ahead." and nothing else. It is
        told how (ctrl+q keeps the session), and nothing is scored."""
        self.query_one("#answer", TextArea).text = ""
        self._add(Turn("candidate", asked))
        session_id = self.gate.session_id if self.gate else ""
        self._add(
            Turn(
                "interviewer",
                "Of course. Press ctrl+q: everything so far is saved, and `interviewer practice "
                f"--resume {session_id}` picks up where we left off.",
            )
        )
        self._focus_editor()

    def _with_questions(self, answer: str) -> str:
        asked, self._asked_first = self._asked_first, ""
        return f"{asked} {answer}".strip()

    # -- the unsent draft ------------------------------------------------------------------

    def _draft_state(self) -> dict[str, Any] | None:
        """What is typed and not sent for the pending question (None: nothing)."""
        if self.pending is None:
            return None
        answer, code = self._typed()
        if not answer.strip() and code is None and not self._asked_first:
            return None
        prompt_id = str(field(self.pending, "prompt_id", ""))
        return {"prompt_id": prompt_id, "answer": answer, "code": code, "asked": self._asked_first}

    def _keep_draft(self) -> None:
        """Store the draft when it changed (each second and on quit): a quit or a killed
        terminal loses at most a second of typing."""
        if self.gate is None or self.finished:
            return
        state = self._draft_state()
        if state == self._kept_draft:
            return
        with contextlib.suppress(Exception):  # keeping a draft must never stop the exam
            self.gate.session.store.save_draft(self.gate.session_id, state)
            self._kept_draft = state

    def _restore_draft(self) -> None:
        """On resume, what was typed and not sent for the same question comes back."""
        try:
            draft = self.gate.session.store.draft(self.gate.session_id)  # type: ignore[union-attr]
        except Exception:  # noqa: BLE001 - a lost draft must not stop the exam
            return
        if not draft or draft.get("prompt_id") != field(self.pending, "prompt_id", None):
            return
        self._kept_draft = draft
        self._asked_first = str(draft.get("asked") or "")
        if self._asked_first:
            self._add(Turn("candidate", self._asked_first))
        editors = [("#answer", draft.get("answer"))]
        if field(self.pending, "is_coding", False):
            editors.append(("#code", draft.get("code")))
        for selector, text in editors:
            if text:
                editor = self.query_one(selector, TextArea)
                editor.text = str(text)
                editor.move_cursor(editor.document.end)  # typing goes on where it stopped
        self.notify("What you had typed and not sent is back.", timeout=6)

    def _answer_timing(self) -> dict[str, float]:
        # How long the question was on screen before the answer went in (the face's own stage).
        return {"tui_answer_ms": round((time.monotonic() - self._shown_at) * 1000.0, 1)}

    def leave(self) -> None:
        """The candidate quits: the session is marked paused and stays resumable."""
        if self.gate is None:
            return
        session = self.gate.session
        self._keep_draft()
        try:
            session.pause()
            if not self.busy:
                session.close()
        except Exception:  # noqa: BLE001 - leaving must always work
            pass

    def action_run_code(self) -> None:
        if self.pending is None or not field(self.pending, "is_coding", False):
            return
        if self.busy or self.gate is None:
            self.notify("Wait a moment: the interviewer is still working.", severity="warning")
            return
        self.query_one("#cases", Static).update("Running the hidden tests in the sandbox…")
        self._set_busy("Running the hidden tests in the sandbox…")
        self._run_code(self.query_one("#code", TextArea).text)

    def action_next_pane(self) -> None:
        """Move between the conversation, the code and the answer (tab indents in the code)."""
        panes = [self.query_one("#conversation")]
        if self.query_one("#coding").display:
            panes.append(self.query_one("#code"))
        panes.append(self.query_one("#answer"))
        current = next((i for i, p in enumerate(panes) if p.has_focus), -1)
        panes[(current + 1) % len(panes)].focus()

    def action_last_scorecard(self) -> None:
        if self._last_card:
            card, prompt_id, reveal = self._last_card
            self._show_scorecard(card, prompt_id, reveal)


def _candidate_text(answer: str, code: str | None) -> str:
    if code and code.strip():
        lines = len(code.strip().splitlines())
        suffix = f"(+ {lines} line{'s' if lines != 1 else ''} of code)"
        return f"{answer}\n{suffix}" if answer else suffix
    return answer
