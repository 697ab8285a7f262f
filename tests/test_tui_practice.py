"""The candidate's TUI, driven through Textual's Pilot against the real exam session.

Real graph, real offline scorer with its ONNX embeddings and Chroma index, real sandbox, real
SQLite store; only the clock is a FakeClock so timers are driven, not waited for.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import (
    errors,
    idle,
    interview,
    screen_text,
    seed_home,
    type_text,
    wait_for,
    widget_text,
)

from agent.clock import FakeClock
from agent.settings import load_settings
from agent.store import TranscriptStore
from agent.tui.practice import PracticeApp
from agent.tui.results import DebriefScreen, ScorecardScreen
from agent.tui.start import StartScreen

WARMUP_ANSWER = (
    "Before any boxes I pin down the latency budget, cost per call, privacy rules for the audio, "
    "the languages and accents we serve, and how we will measure quality per slice."
)


pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def home(isolated_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    seed_home(isolated_home, tmp_path_factory.getbasetemp())
    return isolated_home


def _app(**kwargs) -> PracticeApp:
    return PracticeApp(load_settings(), clock=kwargs.pop("clock", FakeClock()), **kwargs)


async def _answer_until_closed(pilot, app, text: str) -> None:
    """Answer the pending question and every follow-up until the scorecard shows."""
    for turn in range(6):
        await wait_for(pilot, lambda: idle(app))
        if isinstance(app.screen, ScorecardScreen):
            return
        await type_text(pilot, text if turn == 0 else "Nothing to add.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
    raise AssertionError(f"the prompt never closed: {errors(app)}\n{screen_text(app)}")


async def test_typed_answer_is_scored_shown_and_stored(home: Path) -> None:
    app = _app(prompt_ids=["warmup.constraints"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        assert "Before you draw a single architecture box" in screen_text(app)
        await _answer_until_closed(pilot, app, WARMUP_ANSWER)

        card = app.screen
        assert isinstance(card, ScorecardScreen)
        shown = widget_text(card.query_one("#scorecard"))
        assert card.scorecard["verdict"].upper() in shown
        assert f"{card.scorecard['score']:g}/100" in shown
        assert "Criteria" in shown and "Strong answer" in shown
        session_id = app.session_id

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DebriefScreen))
        debrief = widget_text(app.screen.query_one("#debrief"))
        assert "R&D judgment" in debrief and "Three things to practise" in debrief
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.return_code is not None)
    assert not errors(app)

    transcript = TranscriptStore().load(session_id)
    assert transcript.status == "finished"
    assert transcript.turns[0].candidate == WARMUP_ANSWER
    assert transcript.turns[-1].scorecard is not None


async def test_a_clarifying_question_is_answered_not_scored(home: Path) -> None:
    """Typed "Is this on the device or on a server?" drew a scorecard and a follow-up quoting
    it. It is answered at once, the question stays open, and the question goes in front of
    the answer when that is sent (as in the spoken exam)."""
    app = _app(prompt_ids=["warmup.constraints"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        await type_text(pilot, "Is this on the device or on a server?")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
        assert "Make the assumption you think is most reasonable" in screen_text(app)
        await type_text(pilot, "How much time do I have?")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
        assert "About 10 minutes left for this question." in screen_text(app)
        assert interview(app).pending.kind == "prompt"  # still the question, nothing scored
        await _answer_until_closed(pilot, app, WARMUP_ANSWER)
        session_id = app.session_id
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DebriefScreen))
    assert not errors(app)
    first = TranscriptStore().load(session_id).turns[0]
    assert first.kind == "prompt"
    assert first.candidate == (
        f"Is this on the device or on a server? How much time do I have? {WARMUP_ANSWER}"
    )


async def test_quit_keeps_the_session_and_resume_continues_it(home: Path) -> None:
    app = _app(prompt_ids=["warmup.constraints", "r1.architecture"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        await type_text(pilot, WARMUP_ANSWER)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
        pending_before = interview(app).pending
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.return_code is not None)
    session_id = app.session_id
    assert app.return_code == 0 and not app.finished

    stored = TranscriptStore().load(session_id)
    assert stored.status == "paused"
    assert stored.turns[0].candidate == WARMUP_ANSWER

    again = _app(resume=session_id)
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(again))
        screen = interview(again)
        # The same question is waiting, and the answer given before quitting is on screen.
        assert screen.pending.prompt_id == pending_before.prompt_id
        assert screen.pending.text == pending_before.text
        turns = [str(t.render()) for t in screen.query(".turn")]
        assert any(WARMUP_ANSWER[:60] in t for t in turns)
        await type_text(pilot, "Also data residency and retention.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(again))
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: again.return_code is not None)
    answers = [t.candidate for t in TranscriptStore().load(session_id).turns]
    assert answers[0] == WARMUP_ANSWER
    assert "Also data residency and retention." in answers
    # Nothing repeated: each answer is stored once.
    assert len(answers) == len(set(answers))


async def test_what_was_typed_and_not_sent_comes_back_on_resume(home: Path) -> None:
    """Quitting (ctrl+q, "resumable") lost the half-written answer, the code and the clarifying
    question asked: a resume opened the question with an empty editor and the signature."""
    from question_bank import load_bank

    prompt = load_bank(None).prompt("r3.sliding_window")
    app = _app(prompt_ids=["r3.sliding_window"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        screen = interview(app)
        screen.query_one("#answer").focus()
        await type_text(pilot, "Are the timestamps sorted?")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
        screen.query_one("#code").text = prompt.coding.reference_solution
        screen.query_one("#answer").focus()
        await type_text(pilot, "Invariant: the window holds")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.return_code is not None)
    session_id = app.session_id

    again = _app(resume=session_id)
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(again))
        screen = interview(again)
        assert screen.query_one("#code").text == prompt.coding.reference_solution
        assert screen.query_one("#answer").text == "Invariant: the window holds"
        assert "Are the timestamps sorted?" in screen_text(again)
        screen.query_one("#answer").focus()
        await type_text(pilot, " only records within window_seconds.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(again))
    assert not errors(again)
    turn = TranscriptStore().load(session_id).turns[0]
    assert turn.code == prompt.coding.reference_solution
    assert turn.candidate == (
        "Are the timestamps sorted? Invariant: the window holds only records within window_seconds."
    )


async def test_coding_prompt_runs_the_hidden_tests_and_submits_code(home: Path) -> None:
    from question_bank import load_bank

    prompt = load_bank(None).prompt("r3.sliding_window")
    app = _app(prompt_ids=["r3.sliding_window"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        screen = interview(app)
        code = screen.query_one("#code")
        # Prefilled with the signature, with Python highlighting available.
        assert code.text.startswith(prompt.coding.signature)
        assert code.language == "python" and code.is_syntax_aware

        code.text = prompt.coding.reference_solution
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: idle(app))
        cases = str(screen.query_one("#cases").render())
        assert "PASS" in cases
        for case in prompt.coding.tests[:3]:
            assert case.name in cases
        assert "Scales as about n^" in cases

        screen.query_one("#answer").focus()
        await type_text(pilot, "Invariant: the window holds only records within window_seconds.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
    assert not errors(app)
    turn = TranscriptStore().load(app.session_id).turns[0]
    assert turn.code == prompt.coding.reference_solution
    assert turn.candidate.startswith("Invariant:")


async def test_a_broken_submission_shows_failing_cases(home: Path) -> None:
    app = _app(prompt_ids=["r3.sliding_window"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        screen = interview(app)
        screen.query_one(
            "#code"
        ).text = "def max_window_error_rate(records, window_seconds):\n    return 0.5\n"
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: idle(app))
        cases = str(screen.query_one("#cases").render())
        assert "FAIL" in cases and "✘" in cases
        assert "Scales as" not in cases


async def test_timer_warns_then_closes_the_prompt_with_the_draft(home: Path) -> None:
    clock = FakeClock()
    app = _app(prompt_ids=["warmup.constraints"], clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        screen = interview(app)
        timer = screen.query_one("#timer")
        assert "10:00 left" in str(timer.render())

        clock.advance(8.5 * 60)
        screen.refresh_timer()
        assert timer.has_class("-warn")
        assert "01:30 left" in str(timer.render())

        await type_text(pilot, "Latency budget and privacy.")
        clock.advance(2 * 60)
        screen.refresh_timer()
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        assert any("Time is up" in n.message for n in app._notifications)
    turns = TranscriptStore().load(app.session_id).turns
    # What was typed when the time ran out was not lost: it was scored, and no follow-up was
    # drawn for it (the transcript used to hold one, never answered).
    assert [t.candidate for t in turns] == ["Latency budget and privacy."]
    assert turns[0].scorecard is not None


async def test_start_screen_runs_one_section(home: Path) -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StartScreen))
        await pilot.click("#mode-section")
        await pilot.pause()
        assert app.screen.query_one("#section").display
        app.screen.query_one("#section").value = "r2"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app) and not isinstance(app.screen, StartScreen))
        assert interview(app).pending.prompt_id == "r2.accent_regression"
        await pilot.press("ctrl+q")
    assert TranscriptStore().load(app.session_id).prompt_ids == [
        "r2.accent_regression",
        "r2.tts_first_byte",
    ]


async def test_start_screen_offers_a_paused_session_to_resume(home: Path) -> None:
    first = _app(prompt_ids=["r1.cost_latency"])
    async with first.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(first))
        await pilot.press("ctrl+q")
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StartScreen))
        await pilot.click("#mode-resume")
        await pilot.pause()
        resume = app.screen.query_one("#resume")
        assert resume.display
        resume.value = first.session_id
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app) and not isinstance(app.screen, StartScreen))
        assert app.session_id == first.session_id
        assert interview(app).pending.prompt_id == "r1.cost_latency"
        await pilot.press("ctrl+q")


async def test_unknown_resume_id_exits_with_a_message(home: Path) -> None:
    app = _app(resume="no-such-session")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.return_code is not None)
    assert app.return_code == 2
    assert "unknown session" in (app.error or "")


async def test_an_unreachable_llm_is_a_notice_not_a_crash(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("INTERVIEWER_LLM__MODEL", "openai/judge")
    monkeypatch.setenv("INTERVIEWER_LLM__API_BASE", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("INTERVIEWER_LLM__MAX_RETRIES", "0")
    monkeypatch.setenv("INTERVIEWER_LLM__TIMEOUT_S", "5")
    monkeypatch.setenv("INTERVIEWER_EXAM__MAX_FOLLOW_UPS", "0")
    app = _app(prompt_ids=["warmup.constraints"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        await type_text(pilot, "Latency budget and privacy limits.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert any("LLM" in m and "offline" in m for m in warnings)
        assert app.screen.scorecard["scorer"] == "offline"
    assert not errors(app)


async def test_the_spoken_exam_without_a_sound_card_opens_in_text_and_says_why(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`interviewer voice` with no usable microphone falls back to this TUI. Its line on stderr
    is hidden once the TUI takes the screen, so the TUI says why as it opens."""
    from agent import cli

    # No such device on any machine (and these have no sound card at all).
    monkeypatch.setenv("INTERVIEWER_VOICE__INPUT_DEVICE", "no-such-microphone")
    opened: dict = {}

    def run_practice(settings, prompt_ids, resume, *, notice=None) -> int:  # the TUI, below
        opened.update(prompt_ids=prompt_ids, notice=notice)
        return 0

    monkeypatch.setattr("agent.tui.run_practice", run_practice)
    assert cli.main(["voice", "--prompts", "warmup.constraints"]) == 0
    assert "falling back to the text exam" in capsys.readouterr().err
    assert opened["prompt_ids"] == ["warmup.constraints"]
    notice = opened["notice"]
    assert notice.endswith("the exam is in text instead.") and notice[0].isupper()

    app = _app(prompt_ids=["warmup.constraints"], notice=notice)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        assert "Before you draw a single architecture box" in screen_text(app)
        assert [n.message for n in app._notifications if n.severity == "warning"] == [notice]


async def test_asking_to_stop_is_told_how_and_nothing_is_scored(home: Path) -> None:
    """Typed "Can we stop here for today?" was met with "Sure, go ahead." (asking leave to go
    about it a way): it is told that ctrl+q keeps the session, and the question stays open."""
    app = _app(prompt_ids=["warmup.constraints"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        await type_text(pilot, "Can we stop here for today?")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
        shown = screen_text(app)
        assert "Press ctrl+q" in shown and f"--resume {app.session_id}" in shown
        assert "go ahead" not in shown.lower()
        assert interview(app).pending.kind == "prompt"
        await pilot.press("ctrl+q")
    assert TranscriptStore().load(app.session_id).status in ("active", "paused")
    assert not [t for t in TranscriptStore().load(app.session_id).turns if t.candidate]


async def test_asked_where_the_code_goes_the_text_exam_points_to_the_editor(home: Path) -> None:
    """ "Where do I write the code?" at a coding prompt was met with "Good question. Make the
    assumption you think is most reasonable..."; it is told where, and nothing is scored."""
    app = _app(prompt_ids=["r3.sliding_window"])
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        interview(app).query_one("#answer").focus()
        await type_text(pilot, "Where do I write the code?")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
        shown = " ".join(screen_text(app).split())
        assert "In the code editor above your answer" in shown and "ctrl+r runs" in shown
        assert "Good question" not in shown
        # "Sure, go ahead." to Java would cost the prompt: the hidden tests run Python. (At 40
        # rows this reply, the newest turn, used to sit a line below the fold.)
        interview(app).query_one("#answer").focus()
        await type_text(pilot, "Can I write it in Java?")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
        assert "In Python, please" in " ".join(screen_text(app).split())
        assert interview(app).pending.kind == "prompt"
    assert not errors(app)


async def test_questions_about_the_exam_itself_get_plain_answers(home: Path) -> None:
    """ "How many questions are left?" and "Is this being recorded?" were met with "Good
    question. Make the assumption you think is most reasonable, say it, and go on."."""
    app = _app(prompt_ids=["warmup.constraints", "r2.accent_regression"])
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        for asked in ("How many questions are left?", "Is this being recorded?"):
            await type_text(pilot, asked)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: idle(app))
        shown = " ".join(screen_text(app).split())
        assert "This is question 1 of 2. 1 more after this one." in shown
        assert (
            "Only the transcript is kept, on this machine, and nothing is sent anywhere." in shown
        )
        assert "Good question" not in shown
        assert interview(app).pending.kind == "prompt"
    assert not errors(app)


async def _close_the_warm_up(pilot, app) -> float:  # noqa: ANN001
    """Answer the warm-up until its scorecard shows, then go on to the incident prompt with the
    answer box focused; returns the warm-up's score."""
    await _answer_until_closed(pilot, app, WARMUP_ANSWER)
    score = app.screen.scorecard["score"]
    await pilot.press("enter")
    await wait_for(pilot, lambda: idle(app) and interview(app).pending is not None)
    await wait_for(pilot, lambda: interview(app).pending.prompt_id == "r2.accent_regression")
    interview(app).query_one("#answer").focus()
    return score


async def test_asked_for_the_score_the_text_exam_gives_the_last_closed_one(home: Path) -> None:
    app = _app(prompt_ids=["warmup.constraints", "r2.accent_regression"])
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        score = await _close_the_warm_up(pilot, app)
        await type_text(pilot, "What was my score?")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
        shown = " ".join(screen_text(app).split())
        assert f'Your answer on "Before the boxes" scored {score:.0f} out of 100.' in shown
        await type_text(pilot, "Could you repeat the feedback?")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
        assert "f2 shows the last scorecard again" in " ".join(screen_text(app).split())
    assert not errors(app)


async def test_pushback_on_the_score_is_kept_with_the_scored_answer(home: Path) -> None:
    """ "But I did mention privacy." typed after the scorecard was scored as the answer to the
    next question. It is kept with the answer it is about, and the next question stays open."""
    app = _app(prompt_ids=["warmup.constraints", "r2.accent_regression"])
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: idle(app))
        await _close_the_warm_up(pilot, app)
        await type_text(pilot, "But I did mention the cost ceiling in my answer.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: idle(app))
        shown = " ".join(screen_text(app).split())
        assert "Noted: that goes with your last answer in the transcript" in shown
        assert interview(app).pending.prompt_id == "r2.accent_regression"
        assert interview(app).pending.kind == "prompt"
        session_id = interview(app).gate.session_id
    assert not errors(app)
    last = TranscriptStore().load(session_id).turns[-1]
    assert last.prompt_id == "warmup.constraints"
    assert last.candidate.endswith("But I did mention the cost ceiling in my answer.")
