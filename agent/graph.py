"""The examiner as a LangGraph StateGraph: intro, ask, listen, assess, probe, close, debrief.

`build_exam_graph` is the whole interview in one place. Nodes are closures over `ExamDeps`
(bank, settings, clock, store, scorer and runner) and return partial state updates; everything
the interviewer says is appended to `outbox`, which the ExamSession hands to its face.

Crash safety: every node's update is checkpointed (SqliteSaver) before the next runs. The only
code that can run twice is a node cut short by a crash, so nodes write turns with an upsert keyed
by a turn index taken from the state, and take times from the state, never recomputing them.
"""

from __future__ import annotations

import operator
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypedDict

from question_bank import Bank, Prompt

from .clock import Clock
from .debrief import build_debrief
from .followups import (
    LLMUnavailable,
    acknowledge,
    adds_nothing,
    asks_to_skip,
    bank_follow_up,
    llm_follow_up,
)
from .store import TranscriptStore, Turn

# The coding scorecard: how much of the score comes from the hidden tests and how much from the
# rubric score of the stated invariant (and the code read as text).
CODING_TEST_WEIGHT = 0.6
CODING_RUBRIC_WEIGHT = 0.4

TIME_UP_TEXT = "Time is up on this one; let's move on."


class ExamState(TypedDict, total=False):
    session_id: str
    prompt_ids: list[str]
    idx: int  # position of the current prompt in prompt_ids
    turn_index: int  # index the next candidate turn is stored under
    outbox: Annotated[list[dict[str, Any]], operator.add]  # every utterance, in order
    pending: dict[str, Any] | None  # the question waiting for an answer (a Pending dump)
    asked_at: float  # clock time the pending question was asked
    prompt_started: dict[str, float]  # clock time each prompt was first asked
    answered: dict[str, int]  # candidate turns per prompt id (the headless face reads this)
    turns: list[dict[str, Any]]  # candidate turns on the current prompt
    last: dict[str, Any] | None  # the latest candidate turn, as listen received it
    follow_ups: int
    probed: list[str]  # criterion ids already probed on this prompt
    deepened: bool
    next_probe: dict[str, Any] | None  # what assess decided to ask next, if anything
    card: dict[str, Any] | None  # scorecard of the answer so far
    run: dict[str, Any] | None  # latest run-code result on this prompt
    run_source: str | None  # the code that result belongs to
    scorecards: dict[str, dict[str, Any]]  # closed prompts
    llm_down: bool  # the LLM failed once: stay offline for the rest of the session
    notices: list[str]
    finished: bool


@dataclass
class ExamDeps:
    bank: Bank
    settings: Any  # agent.settings.Settings
    clock: Clock
    store: TranscriptStore
    # score(prompt, answer, llm_or_None, on_notice) -> scorecard dict (CONTRACTS shape)
    score: Callable[..., dict[str, Any]]
    # run(prompt, source) -> run-code result dict (CONTRACTS shape)
    run: Callable[[Prompt, str], dict[str, Any]]
    # missed(scorecard, prompt) -> criterion ids, most important first
    missed: Callable[[dict[str, Any], Prompt], list[str]]
    versions: dict[str, Any] = field(default_factory=dict)


def say(
    kind: str,
    text: str,
    prompt_id: str | None = None,
    data: dict[str, Any] | None = None,
    speak: bool = True,
) -> dict[str, Any]:
    return {"kind": kind, "text": text, "prompt_id": prompt_id, "data": data, "speak": speak}


# -- test hook ---------------------------------------------------------------------------------

_hits: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL at a named point (tests of kill-and-resume only).

    INTERVIEWER_TEST_KILL_AT="turn_written:3" dies right after the third turn is committed to
    the store and before the graph checkpoints it; "node:assess:2" on entering assess a 2nd time.
    """
    spec = os.environ.get("INTERVIEWER_TEST_KILL_AT", "")
    if not spec:
        return
    point, _, count = spec.rpartition(":")
    if point != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] == int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)


# -- helpers -----------------------------------------------------------------------------------


def prompt_budget_s(bank: Bank, settings: Any, prompt_id: str) -> float:
    """A section's minutes shared equally by its prompts."""
    section = bank.section_of(prompt_id)
    minutes = settings.timers.section_minutes.get(section.id, section.minutes)
    return float(minutes) * 60.0 / len(section.prompts)


def _spoken_minutes(minutes: float) -> str:
    """ "about 4 hours", "about an hour and a half", "20 minutes": a length said aloud."""
    if minutes < 90:
        return f"{round(minutes)} minutes"
    hours = round(minutes / 30) / 2
    whole = int(hours)
    half = " and a half" if hours > whole else ""
    return f"about an hour{half}" if whole == 1 else f"about {whole} hours{half}"


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


def answer_so_far(turns: list[dict[str, Any]]) -> str:
    return "\n\n".join(t["answer"].strip() for t in turns if t["answer"].strip())


def latest_code(turns: list[dict[str, Any]]) -> str | None:
    for t in reversed(turns):
        if t.get("code") and t["code"].strip():
            return t["code"]
    return None


def no_answer_card(prompt: Prompt, versions: dict[str, Any]) -> dict[str, Any]:
    """An empty answer is "no answer": every criterion missed, score 0."""
    return {
        "prompt_id": prompt.id,
        "score": 0,
        "verdict": "failing",
        "criteria": [{"id": c.id, "status": "missed", "evidence": ""} for c in prompt.criteria],
        "red_flags": [],
        "feedback": "No answer was given. Even a partial answer scores: say what you would do first.",
        "scorer": "offline",
        "versions": {k: versions.get(k) or "" for k in ("bank", "index", "scorer")},
    }


def verdict_for(score: float, scoring: Any) -> str:
    if score >= scoring.strong:
        return "strong"
    if score >= scoring.adequate:
        return "adequate"
    if score >= scoring.weak:
        return "weak"
    return "failing"


def coding_card(card: dict[str, Any], run: dict[str, Any] | None, scoring: Any) -> dict[str, Any]:
    """Hidden tests and the rubric (invariant) score, blended; still the CONTRACTS shape."""
    total = (run["passed"] + run["failed"]) if run else 0
    tests = 100.0 * run["passed"] / total if run and total else 0.0
    score = round(CODING_TEST_WEIGHT * tests + CODING_RUBRIC_WEIGHT * float(card["score"]))
    if run is None:
        tests_line = "No code was submitted."
    else:
        tests_line = f"Hidden tests: {run['passed']} of {total} passed."
    return {
        **card,
        "score": score,
        "verdict": verdict_for(score, scoring),
        "feedback": f"{tests_line} {card.get('feedback', '')}".strip(),
        "components": {
            "tests": round(tests, 1),
            "invariant": card["score"],
            "weights": {"tests": CODING_TEST_WEIGHT, "invariant": CODING_RUBRIC_WEIGHT},
        },
    }


def read_back(run: dict[str, Any]) -> str:
    """The runner's result in words the candidate can hear."""
    total = run["passed"] + run["failed"]
    if run["status"] == "pass":
        text = f"All {total} hidden tests pass."
    else:
        bad = [c for c in run.get("cases", []) if c["status"] != "pass"]
        names = ", ".join(c["name"] for c in bad[:3])
        text = f"{run['passed']} of {total} hidden tests pass; failing: {names}."
    cx = run.get("complexity")
    if cx and cx.get("verdict"):
        text += f" Complexity: {cx['verdict']}."
    elif cx and cx.get("exponent") is not None:
        text += f" Your solution scales as about n^{float(cx['exponent']):.1f}."
    return text


def coding_probe(prompt: Prompt, run: dict[str, Any] | None, answer: str, code: str | None) -> str:
    """One follow-up on a coding prompt: a failed case by name, or an edge case not tested."""
    assert prompt.coding is not None
    if not code:
        return (
            f"Let's see it in code. Could you write {prompt.coding.signature.strip().rstrip(':')}"
            " and tell me how you would test it?"
        )
    if run and run["status"] != "pass":
        bad = next(c for c in run["cases"] if c["status"] != "pass")
        detail = bad.get("detail") or ""
        detail = f" ({detail[:160]}{'...' if len(detail) > 160 else ''})" if detail else ""
        return (
            f"Your code fails the hidden case '{bad['name']}'{detail}. "
            "What does your function do on that input, and how would you fix it?"
        )
    said = answer.lower() + "\n" + (code or "").lower()
    for case in prompt.coding.tests:
        label = case.name.replace("_", " ")
        if label.lower() not in said and case.name.lower() not in said:
            hint = case.note or label
            return f"All hidden tests pass. You did not mention this case: {hint}. What does your function return there, and why?"
    return "All hidden tests pass. Which input would you add to your own tests first, and why?"


# -- the graph ---------------------------------------------------------------------------------


def build_exam_graph(deps: ExamDeps, checkpointer: Any) -> Any:
    """The whole interview: read this function to know what the examiner does, in order."""
    from langgraph.graph import END, START, StateGraph
    from langgraph.types import interrupt

    bank, settings, clock, store = deps.bank, deps.settings, deps.clock, deps.store

    def intro(state: ExamState) -> dict[str, Any]:
        crash_point("node:intro")
        pids = state["prompt_ids"]
        parts = []
        for section in bank.sections:
            n = sum(1 for pid in pids if pid in section.prompts)
            if n:
                minutes = sum(
                    prompt_budget_s(bank, settings, pid) for pid in pids if pid in section.prompts
                )
                parts.append(f"{section.title} ({n} prompt{'s' * (n > 1)}, {minutes / 60:.0f} min)")
        warn = round(settings.timers.warn_fraction * 100)
        rules = (
            f"Each prompt has its own time budget: I'll warn you at {warn}% and move on when "
            "it runs out. I may ask follow-ups; after each prompt you get a score, short feedback "
            "and a strong answer to compare with. At the end, a debrief."
        )
        prompts = f"{len(pids)} prompt{'s' * (len(pids) > 1)}"
        text = (
            f"Welcome to the {bank.title}. We'll cover {prompts}: "
            + "; ".join(parts)
            + ". "
            + rules
        )
        # Aloud, all that (on screen) was 23 s of talk before the first question: the parts
        # are said as their number and the time in all, and the rules in brief (about 11 s).
        total_min = sum(prompt_budget_s(bank, settings, pid) for pid in pids) / 60
        in_parts = f" in {len(parts)} parts" if len(parts) > 1 else ""
        spoken = (
            f"Welcome to the {bank.title}: {prompts}{in_parts}, {_spoken_minutes(total_min)} in "
            f"all. Each prompt has its own time budget, and I'll warn you at {warn}%. After each "
            "one you get a score, short feedback and a strong answer."
        )
        return {
            "idx": 0,
            "turn_index": 0,
            "prompt_started": {},
            "answered": {},
            "scorecards": {},
            "notices": [],
            "llm_down": False,
            "finished": False,
            "outbox": [say("intro", text, data={"prompts": pids, "spoken": spoken})],
        }

    def ask(state: ExamState) -> dict[str, Any]:
        crash_point("node:ask")
        pids = state["prompt_ids"]
        prompt = bank.prompt(pids[state["idx"]])
        section = bank.section(prompt.section)
        previous = bank.prompt(pids[state["idx"] - 1]) if state["idx"] else None
        out = []
        if previous is None or previous.section != prompt.section:
            out.append(
                say(
                    "prompt",
                    f"{section.title}. {section.intro}".strip(),
                    prompt.id,
                    {"part": "section"},
                )
            )
        budget = prompt_budget_s(bank, settings, prompt.id)
        text = prompt.text
        new_section = previous is None or previous.section != prompt.section
        said_in_intro = new_section and _squash(prompt.scenario) in _squash(section.intro)
        new_scenario = previous is None or previous.scenario != prompt.scenario
        if prompt.scenario and new_scenario and not said_in_intro:
            text = f"{prompt.scenario}\n\n{text}"
        out.append(
            say(
                "prompt",
                text,
                prompt.id,
                {
                    "part": "question",
                    "title": prompt.title,
                    "budget_s": budget,
                    "signature": prompt.coding.signature if prompt.coding else None,
                },
            )
        )
        now = clock.now()
        started = dict(state.get("prompt_started") or {})
        started.setdefault(prompt.id, now)
        pending = {
            "prompt_id": prompt.id,
            "kind": "prompt",
            "text": text,
            "section": section.id,
            "signal": section.signal,
            "is_coding": prompt.kind == "coding",
            "signature": prompt.coding.signature if prompt.coding else None,
            "budget_s": budget,
            "elapsed_s": 0.0,
            "follow_up_index": 0,
        }
        return {
            "outbox": out,
            "pending": pending,
            "asked_at": now,
            "prompt_started": started,
            "turns": [],
            "last": None,
            "follow_ups": 0,
            "probed": [],
            "deepened": False,
            "next_probe": None,
            "card": None,
            "run": None,
            "run_source": None,
        }

    def listen(state: ExamState) -> dict[str, Any]:
        # Everything before interrupt() reruns on resume: nothing here but the interrupt.
        reply = interrupt(state["pending"])
        reply = reply if isinstance(reply, dict) else {"answer": str(reply or "")}
        crash_point("answer_received")
        waited_ms = max(0.0, (clock.now() - state["asked_at"]) * 1000.0)
        timing = {"answer_ms": round(waited_ms, 1)}
        timing.update({k: float(v) for k, v in (reply.get("timing") or {}).items()})
        return {
            "last": {
                "answer": str(reply.get("answer") or ""),
                "code": reply.get("code") or None,
                "time_up": bool(reply.get("time_up")),
                "timing": timing,
            }
        }

    def record(state: ExamState) -> dict[str, Any]:
        """Store the turn the moment it happens (an upsert: a rerun rewrites the same row)."""
        pending, last, index = state["pending"], state["last"], state["turn_index"]
        turn = Turn(
            prompt_id=pending["prompt_id"],
            kind=pending["kind"],
            interviewer=pending["text"],
            candidate=last["answer"],
            code=last["code"],
            timing=last["timing"],
        )
        store.write_turn(state["session_id"], index, turn)
        crash_point("turn_written")
        answered = dict(state.get("answered") or {})
        answered[pending["prompt_id"]] = answered.get(pending["prompt_id"], 0) + 1
        entry = {"answer": last["answer"], "code": last["code"], "turn_index": index}
        return {"turn_index": index + 1, "answered": answered, "turns": [*state["turns"], entry]}

    def assess(state: ExamState) -> dict[str, Any]:
        crash_point("node:assess")
        prompt = bank.prompt(state["pending"]["prompt_id"])
        last, turns = state["last"], state["turns"]
        out: list[dict[str, Any]] = []
        notes: list[str] = []
        timing: dict[str, float] = {}
        started = clock.now()

        run, run_source = state.get("run"), state.get("run_source")
        code = latest_code(turns)
        if prompt.coding and code and code != run_source:
            t0 = clock.now()
            run, run_source = deps.run(prompt, code), code
            timing["run_code_ms"] = round((clock.now() - t0) * 1000.0, 1)
            out.append(say("code_result", read_back(run), prompt.id, run))

        answer = answer_so_far(turns)
        llm = settings.llm if settings.llm.enabled and not state.get("llm_down") else None
        llm_failed = False
        if (
            state.get("card") is not None
            and adds_nothing(last["answer"])
            and "run_code_ms" not in timing
        ):
            card = state["card"]  # nothing new was said: the score stands
        elif (not answer or asks_to_skip(answer)) and not code:
            card = no_answer_card(prompt, deps.versions)
        else:
            text = answer if not code else f"{answer}\n\n{code}".strip()
            card = deps.score(prompt, text, llm, notes.append)
            llm_failed = llm is not None and not str(card.get("scorer", "")).startswith("llm")
            if prompt.coding:
                card = coding_card(card, run if code else None, settings.scoring)

        notices = list(state.get("notices") or [])
        said: list[dict[str, Any]] = []
        if llm_failed and "llm" not in notices:
            notices.append("llm")
            said.append(
                say(
                    "notice",
                    f"the LLM ({settings.llm.model}) did not answer; scoring and follow-ups "
                    "continue on the offline path.",
                    prompt.id,
                )
            )
        for note in notes:
            if note not in notices and not llm_failed:
                notices.append(note)
                said.append(say("notice", note, prompt.id))

        is_follow_up = state["pending"]["kind"] == "follow_up"
        next_probe = decide_probe(state, prompt, card, run, code, answer)
        if not last["time_up"]:
            # A criterion follow-up quotes the candidate itself; the ack then stays short.
            quote = not (next_probe and next_probe["kind"] == "criterion")
            ack = acknowledge(last["answer"], card, follow_up=is_follow_up, quote=quote)
            out.insert(0, say("ack", ack, prompt.id))

        timing["assess_ms"] = round((clock.now() - started) * 1000.0, 1)
        store.update_timing(state["session_id"], turns[-1]["turn_index"], timing)
        return {
            # The acknowledgement always comes first, then any notice, then the rest.
            "outbox": out[:1] + said + out[1:] if not last["time_up"] else said + out,
            "card": card,
            "run": run,
            "run_source": run_source,
            "next_probe": next_probe,
            "llm_down": bool(state.get("llm_down")) or llm_failed,
            "notices": notices,
        }

    def decide_probe(
        state: ExamState,
        prompt: Prompt,
        card: dict[str, Any],
        run: dict[str, Any] | None,
        code: str | None,
        answer: str,
    ) -> dict[str, Any] | None:
        last = state["last"]
        asked = state.get("follow_ups", 0)
        if last["time_up"] or asked >= settings.exam.max_follow_ups:
            return None
        if not last["code"] and (
            asks_to_skip(last["answer"])
            or (state["pending"]["kind"] == "follow_up" and adds_nothing(last["answer"]))
        ):
            return None  # the candidate asked to go on, or had nothing to add: move on
        if prompt.coding:
            if asked >= 1:
                return None
            return {"kind": "coding", "text": coding_probe(prompt, run, answer, code)}
        probed = set(state.get("probed") or [])
        if float(card["score"]) >= settings.exam.strong_score:
            if state.get("deepened"):
                return None
            met = [c["id"] for c in card["criteria"] if c["status"] == "met"]
            options = [
                prompt.criterion(cid)
                for cid in met
                if cid not in probed and prompt.criterion(cid).deepen
            ]
            if not options:
                return None
            best = max(options, key=lambda c: c.weight)
            return {"kind": "criterion", "criterion": best.id, "deepen": True}
        for cid in deps.missed(card, prompt):
            if cid not in probed:
                return {"kind": "criterion", "criterion": cid, "deepen": False}
        return None

    def follow_up(state: ExamState) -> dict[str, Any]:
        crash_point("node:follow_up")
        prompt = bank.prompt(state["pending"]["prompt_id"])
        plan = state["next_probe"]
        answer = answer_so_far(state["turns"])
        out: list[dict[str, Any]] = []
        update: dict[str, Any] = {}
        probed = list(state.get("probed") or [])
        if plan["kind"] == "coding":
            text = plan["text"]
        else:
            criterion = prompt.criterion(plan["criterion"])
            probed.append(criterion.id)
            text = None
            if settings.llm.enabled and not state.get("llm_down"):
                try:
                    text = llm_follow_up(
                        prompt, criterion, answer, llm=settings.llm, deepen=plan["deepen"]
                    )
                except LLMUnavailable as exc:
                    update["llm_down"] = True
                    if "llm" not in (state.get("notices") or []):
                        update["notices"] = [*(state.get("notices") or []), "llm"]
                        out.append(
                            say(
                                "notice",
                                f"the LLM ({settings.llm.model}) is unreachable ({exc}); "
                                "the exam continues on the offline path.",
                                prompt.id,
                            )
                        )
            if text is None:
                asked_before = [
                    u["text"]
                    for u in state.get("outbox") or []
                    if u["prompt_id"] == prompt.id and u["kind"] == "follow_up"
                ]
                text = bank_follow_up(criterion, answer, deepen=plan["deepen"], avoid=asked_before)
        n = state.get("follow_ups", 0) + 1
        data = {k: v for k, v in plan.items() if k != "text"}
        out.append(say("follow_up", text, prompt.id, data))
        pending = {
            **state["pending"],
            "kind": "follow_up",
            "text": text,
            "follow_up_index": n,
            "criterion": plan.get("criterion"),
        }
        return {
            **update,
            "outbox": out,
            "pending": pending,
            "asked_at": clock.now(),
            "follow_ups": n,
            "probed": probed,
            "deepened": bool(state.get("deepened")) or bool(plan.get("deepen")),
            "next_probe": None,
        }

    def close(state: ExamState) -> dict[str, Any]:
        crash_point("node:close")
        prompt = bank.prompt(state["pending"]["prompt_id"])
        card = state["card"]
        out: list[dict[str, Any]] = []
        if state["last"]["time_up"]:
            out.append(say("time", TIME_UP_TEXT, prompt.id))
        out.append(
            say(
                "feedback",
                f"Score {card['score']} out of 100 ({card['verdict']}). {card.get('feedback', '')}".strip(),
                prompt.id,
                card,
            )
        )
        out.append(
            say(
                "reveal",
                f"Here is what a strong answer looks like:\n\n{prompt.strong_answer.strip()}",
                prompt.id,
                {"strong_answer": prompt.strong_answer},
                speak=prompt.kind != "coding",
            )
        )
        total_ms = (clock.now() - state["prompt_started"][prompt.id]) * 1000.0
        last_turn = state["turns"][-1]["turn_index"]
        store.close_turn(state["session_id"], last_turn, card, {"prompt_ms": round(total_ms, 1)})
        versions = {
            k: v for k, v in (card.get("versions") or {}).items() if k in ("index", "scorer") and v
        }
        if versions:
            store.merge_versions(state["session_id"], versions)
        scorecards = {**state["scorecards"], prompt.id: card}
        return {
            "outbox": out,
            "scorecards": scorecards,
            "idx": state["idx"] + 1,
            "pending": None,
        }

    def debrief(state: ExamState) -> dict[str, Any]:
        crash_point("node:debrief")
        result = build_debrief(bank, state["prompt_ids"], state["scorecards"])
        from .clock import iso

        if state.get("llm_down"):
            store.merge_versions(state["session_id"], {"llm_fallback": "offline"})
        store.finish(
            state["session_id"], finished=iso(clock.wall()), debrief=result.model_dump(mode="json")
        )
        return {
            "outbox": [say("debrief", result.text(), data=result.model_dump(mode="json"))],
            "finished": True,
            "pending": None,
        }

    def after_assess(state: ExamState) -> str:
        return "follow_up" if state.get("next_probe") else "close"

    def after_close(state: ExamState) -> str:
        return "ask" if state["idx"] < len(state["prompt_ids"]) else "debrief"

    graph = StateGraph(ExamState)
    graph.add_node("intro", intro)
    graph.add_node("ask", ask)
    graph.add_node("listen", listen)
    graph.add_node("record", record)
    graph.add_node("assess", assess)
    graph.add_node("follow_up", follow_up)
    graph.add_node("close", close)
    graph.add_node("debrief", debrief)

    graph.add_edge(START, "intro")
    graph.add_edge("intro", "ask")
    graph.add_edge("ask", "listen")
    graph.add_edge("listen", "record")
    graph.add_edge("record", "assess")
    graph.add_conditional_edges("assess", after_assess, ["follow_up", "close"])
    graph.add_edge("follow_up", "listen")
    graph.add_conditional_edges("close", after_close, ["ask", "debrief"])
    graph.add_edge("debrief", END)
    return graph.compile(checkpointer=checkpointer)


__all__ = [
    "CODING_RUBRIC_WEIGHT",
    "CODING_TEST_WEIGHT",
    "ExamDeps",
    "ExamState",
    "build_exam_graph",
    "prompt_budget_s",
]
