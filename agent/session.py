"""The examiner's face for its faces: one ExamSession that the CLI, the TUI and the voice loop drive.

The LangGraph graph (agent/graph.py) does the work; this class hides the interrupt/resume
plumbing so a face only ever does: read `pending`, show or say `utterances`, `submit` an answer.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

UtteranceKind = Literal[
    "intro",  # welcome and exam shape, timers
    "ack",  # acknowledgement of the candidate's answer
    "prompt",  # a main question (scenario + prompt text)
    "follow_up",  # a probe on a missed criterion, or a harder one
    "code_result",  # the runner's results read back
    "feedback",  # short feedback when a prompt closes
    "reveal",  # the strong answer, only after the candidate answered
    "time",  # time warnings and "time is up on this one"
    "notice",  # fallbacks (LLM unreachable, offline scorer used)
    "debrief",  # the end-of-exam summary
]


class Utterance(BaseModel):
    """One thing the interviewer says or shows, in order."""

    kind: UtteranceKind
    text: str
    prompt_id: str | None = None
    # Structured payload for faces that render more than text (scorecard, run result, debrief).
    data: dict[str, Any] | None = None
    # False for text that is shown but not read aloud by the voice face (long reveals, code).
    speak: bool = True


class Pending(BaseModel):
    """The question waiting for the candidate's answer."""

    prompt_id: str
    kind: Literal["prompt", "follow_up"]
    text: str
    section: str
    signal: str
    is_coding: bool = False
    # For coding prompts: the function signature to prefill the editor with.
    signature: str | None = None
    budget_s: float
    elapsed_s: float = 0.0
    follow_up_index: int = 0
    # A follow-up on one point of the rubric: that criterion's id (what the answer is about).
    criterion: str | None = None


class Reply(BaseModel):
    """What submitting an answer produced: what to say now, and what is asked next."""

    utterances: list[Utterance] = Field(default_factory=list)
    pending: Pending | None = None
    finished: bool = False


class SessionError(Exception):
    """A session that cannot be started, resumed or driven; the message is one line."""


class ExamSession:
    """One exam, driven by a face: `opening()`, then `submit()` until `finished`.

    Behind it: the LangGraph graph (agent/graph.py) with a SQLite checkpointer whose thread id
    is the session id, and the transcript store where every turn is written as it happens.
    """

    def __init__(self, *, settings: Any, session_id: str, clock: Any, resumed: bool) -> None:
        import sqlite3
        import threading

        from question_bank import load_bank

        from .clock import SystemClock
        from .graph import ExamDeps, build_exam_graph
        from .settings import data_home
        from .store import TranscriptStore

        self.settings = settings
        self.session_id = session_id
        self.clock = clock or SystemClock()
        self.bank = load_bank(settings.exam.bank_path or None)
        home = data_home()
        home.mkdir(parents=True, exist_ok=True)
        self.store = TranscriptStore(home / "transcripts.sqlite")
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            str(home / "checkpoints.sqlite"), check_same_thread=False, timeout=30
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        from langgraph.checkpoint.sqlite import SqliteSaver

        self._saver = SqliteSaver(self._conn)
        self._deps = ExamDeps(
            bank=self.bank,
            settings=settings,
            clock=self.clock,
            store=self.store,
            score=_score_with(self.bank, settings, home / "index"),
            run=_run_with(settings),
            missed=_missed_ids,
        )
        self._graph = build_exam_graph(self._deps, self._saver)
        self._config = {"configurable": {"thread_id": session_id}}
        self._seen = 0  # utterances already handed to the face
        self._resumed = resumed

    # -- starting ---------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        settings: Any,
        prompt_ids: list[str] | None = None,
        mode: Literal["text", "voice"] = "text",
        clock: Any = None,
        models: dict[str, str] | None = None,
    ) -> ExamSession:
        """`models`: the names of the ASR / TTS models that run, where they are not the settings'
        (a configured model that failed to load gave way to the bundled one)."""
        import uuid

        from question_bank import UnknownPromptError

        from .clock import SystemClock, iso

        clock = clock or SystemClock()
        moment = clock.wall()
        session_id = moment.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        session = cls(settings=settings, session_id=session_id, clock=clock, resumed=False)
        try:
            chosen = [p.id for p in session.bank.select(prompt_ids)]
        except UnknownPromptError as exc:
            session.close()
            raise SessionError(str(exc)) from exc
        session._prompt_ids = chosen
        versions = _initial_versions(session.bank, settings, mode) | (models or {})
        session._deps.versions.update(versions)
        session.store.create_session(
            session_id, started=iso(moment), mode=mode, prompt_ids=chosen, versions=versions
        )
        session.store.claim(session_id, clock.now())
        return session

    @classmethod
    def resume(cls, session_id: str, settings: Any, clock: Any = None) -> ExamSession:
        from .clock import AwayClock, SystemClock
        from .settings import data_home
        from .store import TranscriptStore

        store = TranscriptStore(data_home() / "transcripts.sqlite")
        try:
            if not store.has_session(session_id):
                raise SessionError(f"unknown session {session_id!r} (see `interviewer sessions`)")
            if store.status(session_id) == "finished":
                raise SessionError(f"session {session_id} is finished; nothing to resume")
            meta = store.load(session_id)
            base = clock or SystemClock()
            # Timers skip the time the session sat paused (or killed) on disk.
            away = store.claim(session_id, base.now())
        finally:
            store.close()
        clock = AwayClock(base, away) if away else base
        session = cls(settings=settings, session_id=session_id, clock=clock, resumed=True)
        session._prompt_ids = meta.prompt_ids
        session._deps.versions.update(meta.versions)
        with session._lock:
            snapshot = session._graph.get_state(session._config)
            if not snapshot.values:
                # Killed before the graph's first checkpoint: start it now.
                session._resumed = False
            else:
                if snapshot.next and not _interrupted(snapshot):
                    # Killed between nodes: run on to the next question.
                    session._graph.invoke(None, session._config, durability="sync")
                session._seen = len(session._values().get("outbox") or [])
        session.store.set_status(session_id, "active")
        return session

    # -- driving ----------------------------------------------------------------------------

    def opening(self) -> Reply:
        """The intro and first question; on a resumed session, the pending question again."""
        with self._lock:
            values = self._values()
            if not values:
                self._graph.invoke(
                    {"session_id": self.session_id, "prompt_ids": self._prompt_ids, "outbox": []},
                    self._config,
                    # Each step's checkpoint is on disk before the next step runs, so a kill
                    # leaves the graph at a well-defined node.
                    durability="sync",
                )
                values = self._values()
            if not self._resumed:
                outbox = values.get("outbox") or []
                # The opening is everything up to and including the first question.
                upto = next(
                    (
                        i + 1
                        for i, u in enumerate(outbox)
                        if u["kind"] == "prompt" and (u.get("data") or {}).get("part") == "question"
                    ),
                    len(outbox),
                )
                self._seen = max(self._seen, len(outbox))
                return Reply(
                    utterances=[Utterance(**u) for u in outbox[:upto]],
                    pending=self.pending,
                    finished=self.finished,
                )
            return self._restate()

    def _restate(self) -> Reply:
        pending = self.pending
        if pending is None:
            return Reply(utterances=[], pending=None, finished=self.finished)
        prompt = self.bank.prompt(pending.prompt_id)
        welcome = Utterance(
            kind="intro",
            text=f'Welcome back. We were on "{prompt.title}"; here is where we left off.',
        )
        again = Utterance(
            kind=pending.kind,
            text=pending.text,
            prompt_id=pending.prompt_id,
            data={
                "part": "question",
                "title": prompt.title,
                "budget_s": pending.budget_s,
                "signature": pending.signature,
                "restated": True,
            },
        )
        return Reply(utterances=[welcome, again], pending=pending, finished=False)

    @property
    def pending(self) -> Pending | None:
        with self._lock:
            snapshot = self._graph.get_state(self._config)
            if not _interrupted(snapshot):
                return None
            raw = snapshot.values.get("pending")
            if not raw:
                return None
            started = (snapshot.values.get("prompt_started") or {}).get(raw["prompt_id"])
            elapsed = self.clock.now() - started if started is not None else 0.0
            return Pending(**{**raw, "elapsed_s": max(0.0, elapsed)})

    @property
    def finished(self) -> bool:
        return bool(self._values().get("finished"))

    def progress(self) -> tuple[int, int]:
        """(the current prompt's number from 1, how many prompts the exam has)."""
        values = self._values()
        prompts = len(values.get("prompt_ids") or [])
        return (min(int(values.get("idx") or 0) + 1, prompts), prompts)

    def keep_voice(self, adjustments: dict[str, float]) -> None:
        """How the candidate asked the interviewer to speak ("tts_pace", "tts_gain"): kept with
        the session, beside the models that ran, so a resumed session sounds the same."""
        self._deps.versions.update(adjustments)
        self.store.merge_versions(self.session_id, adjustments)

    def kept_voice(self) -> dict[str, float]:
        """What keep_voice kept (nothing for a session that never asked)."""
        versions = self._deps.versions
        return {k: float(versions[k]) for k in VOICE_ADJUSTMENTS if k in versions}

    def last_score(self) -> tuple[str, float] | None:
        """(title, score) of the last prompt closed, in exam order; None before the first."""
        values = self._values()
        cards = values.get("scorecards") or {}
        closed = [pid for pid in values.get("prompt_ids") or [] if pid in cards]
        if not closed:
            return None
        return (self.bank.prompt(closed[-1]).title, float(cards[closed[-1]]["score"]))

    def answered(self, prompt_id: str) -> int:
        """How many candidate turns the graph has taken for a prompt (used by the headless face)."""
        return int((self._values().get("answered") or {}).get(prompt_id, 0))

    def submit(
        self,
        answer: str,
        code: str | None = None,
        timing: dict[str, float] | None = None,
        *,
        time_up: bool = False,
    ) -> Reply:
        """time_up: the budget ran out as this answer was given: it is scored and the prompt
        closed, with no follow-up."""
        reply = {"answer": answer or "", "code": code, "timing": timing or {}, "time_up": time_up}
        return self._resume(reply)

    def add_to_last_answer(self, text: str) -> int | None:
        """Keep words said after the last answer was scored when no answer follows them."""
        return self.store.append_to_last_answer(self.session_id, text)

    def time_up(self) -> Reply:
        """Close the current prompt now: "time is up on this one; let's move on"."""
        return self.submit("", time_up=True)

    def time_status(self) -> tuple[float, float, str]:
        pending = self.pending
        if pending is None:
            return (0.0, 0.0, "ok")
        elapsed, budget = pending.elapsed_s, pending.budget_s
        if elapsed >= budget:
            level = "over"
        elif elapsed >= self.settings.timers.warn_fraction * budget:
            level = "warn"
        else:
            level = "ok"
        return (elapsed, budget, level)

    def run_code(self, code: str):  # -> rubric.coderun.RunResult
        """Run the hidden tests on the current prompt's code without submitting it."""
        from rubric.coderun import run_code

        pending = self.pending
        if pending is None or not pending.is_coding:
            raise SessionError("no coding prompt is waiting for an answer")
        return run_code(self.bank.prompt(pending.prompt_id), code, limits=self.settings.sandbox)

    def _resume(self, value: dict[str, Any]) -> Reply:
        from langgraph.types import Command

        from .clock import raw_now

        with self._lock:
            if self.pending is None:
                raise SessionError(
                    "the session is finished" if self.finished else "no question is waiting"
                )
            self._graph.invoke(Command(resume=value), self._config, durability="sync")
            self.store.touch(self.session_id, raw_now(self.clock))
            outbox = self._values().get("outbox") or []
            fresh = outbox[self._seen :]
            self._seen = len(outbox)
            return Reply(
                utterances=[Utterance(**u) for u in fresh],
                pending=self.pending,
                finished=self.finished,
            )

    # -- reading ----------------------------------------------------------------------------

    def transcript(self):  # -> agent.store.Transcript
        return self.store.load(self.session_id)

    def debrief(self):  # -> agent.debrief.Debrief
        from .debrief import build_debrief

        values = self._values()
        return build_debrief(
            self.bank, values.get("prompt_ids") or self._prompt_ids, values.get("scorecards") or {}
        )

    def pause(self) -> None:
        """The face is leaving mid-exam: mark the session paused (it stays resumable)."""
        from .clock import raw_now

        if not self.finished:
            self.store.touch(self.session_id, raw_now(self.clock))
            self.store.set_status(self.session_id, "paused")

    def close(self) -> None:
        self.store.close()
        self._conn.close()

    def _values(self) -> dict[str, Any]:
        return dict(self._graph.get_state(self._config).values or {})


# What the candidate can change of the interviewer's voice, as kept with the session.
VOICE_ADJUSTMENTS = ("tts_pace", "tts_gain")


def _interrupted(snapshot: Any) -> bool:
    return any(getattr(task, "interrupts", None) for task in snapshot.tasks or ())


def _initial_versions(bank: Any, settings: Any, mode: str) -> dict[str, Any]:
    versions: dict[str, Any] = {
        "bank": bank.version,
        "index": None,
        "scorer": None,
        "llm": settings.llm.model or None,
        "asr_model": None,
        "tts_voice": None,
        "settings": settings.digest(),
    }
    if mode == "voice":
        versions["asr_model"] = settings.voice.asr_model or "tiny.en (bundled)"
        versions["tts_voice"] = settings.voice.tts_voice or "en_US-joe-medium (bundled)"
    return versions


def _score_with(bank: Any, settings: Any, index_dir: Any):
    ready: list[bool] = []

    def score(prompt: Any, answer: str, llm: Any, on_notice: Any) -> dict[str, Any]:
        from rubric import ensure_index, score_answer

        if not ready:
            # Build the retrieval index quietly (its progress bar would scribble over a TUI).
            ensure_index(bank, index_dir, progress=False)
            ready.append(True)

        card = score_answer(
            prompt,
            answer,
            bank=bank,
            scoring=settings.scoring,
            llm=llm,
            index_dir=index_dir,
            on_notice=on_notice,
        )
        return card.to_json()

    return score


def _run_with(settings: Any):
    def run(prompt: Any, source: str) -> dict[str, Any]:
        from rubric.coderun import run_code

        return run_code(prompt, source, limits=settings.sandbox).model_dump(mode="json")

    return run


def _missed_ids(card: dict[str, Any], prompt: Any) -> list[str]:
    from rubric import Scorecard, missed_criteria

    fields = set(Scorecard.model_fields)
    try:
        scorecard = Scorecard.model_validate({k: v for k, v in card.items() if k in fields})
    except ValueError:
        # Our own "no answer" card: every criterion missed, so heaviest first.
        return [c.id for c in sorted(prompt.criteria, key=lambda c: -c.weight)]
    return [c.id for c in missed_criteria(scorecard, prompt)]
