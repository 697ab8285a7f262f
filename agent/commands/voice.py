"""`interviewer voice`: the spoken exam, on the sound card or on WAV files.

    interviewer voice [--prompts IDS] [--resume SESSION] [--keep-audio]
    interviewer voice --mic-file IN.wav --record-output OUT.wav [--realtime]

No PortAudio or no sound card: one line says why and the text exam runs instead. When the
--mic-file ends before the exam does, the session is kept paused: the last stderr line is
`paused: SESSION_ID` and the exit code is 3.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from . import CliError, add_common, bank_from, notice, parse_prompt_ids, settings_from

EXIT_PAUSED = 3


def register(sub: argparse._SubParsersAction) -> None:
    parser = add_common(sub.add_parser("voice", help="the spoken exam (microphone and speaker)"))
    parser.add_argument(
        "--mic-file",
        metavar="IN.wav",
        help="an audio file as the microphone (WAV in any encoding, FLAC, Ogg or MP3)",
    )
    parser.add_argument(
        "--record-output",
        metavar="OUT.wav",
        help="write the speaker to this file (16-bit WAV; .flac, .ogg or .mp3 by its name)",
    )
    parser.add_argument(
        "--realtime",
        action="store_true",
        help="consume --mic-file at wall-clock speed (OUT.wav sample-aligned with IN.wav)",
    )
    parser.add_argument("--prompts", metavar="ID[,ID...]", help="only these prompts, in exam order")
    parser.add_argument("--resume", metavar="SESSION", help="continue a paused session")
    parser.add_argument(
        "--keep-audio", action="store_true", help="store the raw audio under the data home"
    )
    parser.add_argument(
        "--code-dir",
        metavar="DIR",
        help="where coding prompts' files are (default: the session's folder under the data home)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if (args.record_output or args.realtime) and not args.mic_file:
        raise CliError("--record-output and --realtime need --mic-file")
    settings = settings_from(args)
    bank = bank_from(args, settings)
    prompt_ids = parse_prompt_ids(args.prompts, bank)
    if args.code_dir:
        _check_code_dir(Path(args.code_dir).expanduser())
    port, why = _open_port(args)
    if port is None:
        return _text_exam(args, why)
    from voice.audio import AudioFileError
    from voice.conversation import Conversation, Models
    from voice.echo import EchoGate

    from ..code_desk import CodeDesk
    from ..session import ExamSession, SessionError
    from ..voice_face import VoiceFace

    models = Models.load(settings.voice)
    for line in models.notices():  # a configured model that did not load: the bundled one runs
        notice(line)
    # A file has no echo; a loudspeaker does (headphones avoid it).
    echo = None if args.mic_file else EchoGate(settings.voice.echo_max_delay_ms)
    if not args.mic_file:
        notice("headphones recommended: the interviewer ignores its own voice, but not perfectly")
        notice(_controls(enter=sys.stdin is not None and sys.stdin.isatty()))
    try:
        if args.resume:
            session = ExamSession.resume(args.resume, settings)
        else:
            session = ExamSession.start(
                settings, prompt_ids=prompt_ids, mode="voice", models=models.versions()
            )
    except SessionError as exc:
        port.close()
        raise CliError(str(exc)) from exc
    warming = _warm_scorer(settings, bank)
    conv = Conversation(port, models, settings.voice, echo_gate=echo)
    conv.set_topics(_bank_topics(bank))
    if not args.mic_file:
        conv.key_pressed = _enter_key_watcher()
    face = VoiceFace(
        session,
        conv,
        upcoming=_upcoming_texts(bank, prompt_ids),
        likely_follow_ups=_likely_follow_ups(bank),
        answer_points=_answer_points(bank, prompt_ids),
        captions=sys.stdout,
        interjection_max_words=settings.voice.interjection_max_words,
        before_submit=warming.join,
        notices=notice,
        code_desk=CodeDesk(_code_dir(args, session.session_id), notice),
        warn_fraction=settings.timers.warn_fraction,
        keeps_audio=bool(args.keep_audio or settings.voice.keep_audio),
        llm=settings.llm.model,
    )
    interrupted = False
    try:
        result = face.run()
    except KeyboardInterrupt:
        result, interrupted = None, True
    finally:
        try:
            conv.close()
        except AudioFileError as exc:  # the session is still stored and paused below
            notice(str(exc))
    if interrupted:
        with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl+C: stop waiting
            face.settle()
    else:
        # The scorer's models must not be torn down mid-call at exit (the process would abort).
        warming.join(30.0)
    if args.keep_audio or settings.voice.keep_audio:
        _keep_audio(port, session.session_id)
    if result is not None and result.finished:
        session.close()
        return 0
    session.pause()
    session.close()
    if interrupted or (result is not None and result.stopped):
        notice(f"your session is saved; `interviewer voice --resume {session.session_id}` goes on")
    sys.stderr.write(f"paused: {session.session_id}\n")
    sys.stderr.flush()
    if interrupted:
        # Ctrl+C can land while a model thread (Whisper, Piper, the scorer) is mid-call, and
        # native thread pools abort the interpreter's shutdown under it. The session is stored.
        sys.stdout.flush()
        os._exit(EXIT_PAUSED)
    return EXIT_PAUSED


def _code_dir(args: argparse.Namespace, session_id: str) -> Path:
    if args.code_dir:
        return Path(args.code_dir).expanduser()  # checked before the exam (run)
    from ..settings import data_home

    return data_home() / "code" / session_id


def _check_code_dir(folder: Path) -> None:
    """A folder for code files that cannot be written fails now, not at a coding prompt."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise CliError(f"--code-dir {folder}: cannot write there ({exc.strerror or exc})") from exc


def _warm_scorer(settings, bank) -> threading.Thread:  # noqa: ANN001
    """Build the retrieval index and load the scorer's models while the interviewer talks, so
    the first answer is not met by seconds of silence."""

    def warm() -> None:
        try:
            from rubric import ensure_index, score_answer

            from ..settings import data_home

            index_dir = data_home() / "index"
            _build_index_aside(settings.exam.bank_path or "", index_dir)
            ensure_index(bank, index_dir, progress=False)  # opens it (builds it if that failed)
            score_answer(bank.prompts[0], "warming up", bank=bank, index_dir=index_dir)
        except Exception:  # noqa: BLE001 - warming is best effort; the real call reports errors
            pass

    thread = threading.Thread(target=warm, name="warm-scorer", daemon=True)
    thread.start()
    return thread


_BUILD_INDEX = """
import os, sys
from pathlib import Path
os.nice(10)
from question_bank import load_bank
from rubric.index import ensure_index
ensure_index(load_bank(sys.argv[1] or None), Path(sys.argv[2]), progress=False)
"""


def _build_index_aside(bank_path: str, index_dir: Path) -> None:
    """Build the retrieval index (first run, or a changed bank) in a child process.

    In this one, chromadb held the interpreter for up to a second at a time while it wrote
    (~10 s in all): the audio loop stalled, and a candidate cutting in on the opening question
    was talked over. A child at a lower priority holds nothing the loop needs.
    """
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(
            [sys.executable, "-c", _BUILD_INDEX, bank_path, str(index_dir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
            check=False,
        )


def _open_port(args: argparse.Namespace):  # -> (AudioPort | None, why not)
    from voice.audio import AudioFileError
    from voice.ports import AudioDeviceUnavailable, FileAudioPort, SoundDevicePort

    if args.mic_file:
        try:
            return FileAudioPort(args.mic_file, args.record_output, realtime=args.realtime), ""
        except AudioFileError as exc:
            raise CliError(str(exc)) from exc
    settings = settings_from(args)
    try:
        voice = settings.voice
        port = SoundDevicePort(voice.input_device, voice.output_device, voice.sample_rate)
        port.start()
        if port.card_rate != voice.sample_rate:
            notice(
                f"the sound card runs at {port.card_rate} Hz (it would not open at "
                f"{voice.sample_rate}): resampling"
            )
        return port, ""
    except AudioDeviceUnavailable as exc:
        notice(f"falling back to the text exam: {exc}")
        return None, str(exc)


def _text_exam(args: argparse.Namespace, why: str) -> int:
    """The exam in the TUI. The line on stderr is hidden once the TUI takes the screen, so the
    TUI says it too: a candidate who sat down to talk should not wonder why nobody speaks."""
    from ..cli import build_parser
    from . import practice

    argv = ["practice"]
    if getattr(args, "config", None):
        argv += ["--config", args.config]
    if args.prompts:
        argv += ["--prompts", args.prompts]
    if args.resume:
        argv += ["--resume", args.resume]
    text_args = build_parser().parse_args(argv)
    return practice.run(
        text_args, notice=f"{why[:1].upper()}{why[1:]}: the exam is in text instead."
    )


def _next_prompt(bank, prompt_ids: list[str] | None, pending):  # noqa: ANN001, ANN202
    """The prompt after the pending question's in the session's order (the bank's when none
    was chosen); None at the last."""
    order = prompt_ids or [p.id for p in bank.prompts]
    try:
        i = order.index(pending.prompt_id)
    except (AttributeError, ValueError):
        return None
    return bank.prompt(order[i + 1]) if i + 1 < len(order) else None


def _upcoming_texts(bank, prompt_ids: list[str] | None):  # noqa: ANN001
    """What the interviewer will probably say next: the next prompt's scenario and question."""

    def upcoming(pending) -> list[str]:  # noqa: ANN001
        prompt = _next_prompt(bank, prompt_ids, pending)
        if prompt is None:
            return []
        return [t for t in (getattr(prompt, "scenario", ""), prompt.text) if t]

    return upcoming


def _likely_follow_ups(bank, limit: int = 3):  # noqa: ANN001, ANN202
    """The bank's probes for the question being answered, heaviest criteria first."""

    def likely(pending) -> list[str]:  # noqa: ANN001
        if getattr(pending, "kind", "") != "prompt" or getattr(pending, "is_coding", False):
            return []
        try:
            prompt = bank.prompt(pending.prompt_id)
        except KeyError:
            return []
        ranked = sorted(prompt.criteria, key=lambda c: -c.weight)
        return [c.probe for c in ranked[:limit] if c.probe]

    return likely


def _answer_points(bank, prompt_ids: list[str] | None = None):  # noqa: ANN001, ANN202
    """The question's criteria, each as its cues, in the bank's order, and the next question's:
    the exam's own words for what an answer covers, which the ASR then hears (an answer may run
    ahead to the next question). A follow-up on one criterion puts it first: the answer is
    about that one, and the recognizer's hint may not have room for the last."""

    def points(pending) -> tuple[list[list[str]], list[list[str]]]:  # noqa: ANN001
        try:
            prompt = bank.prompt(pending.prompt_id)
        except (AttributeError, KeyError):
            return [], []
        probed = getattr(pending, "criterion", None)
        ranked = sorted(prompt.criteria, key=lambda c: c.id != probed)
        after = _next_prompt(bank, prompt_ids, pending)
        return _cues(ranked), _cues(after.criteria) if after is not None else []

    return points


def _cues(criteria) -> list[list[str]]:  # noqa: ANN001
    """Each criterion as its cues: the points the recognizer's hint is made of."""
    return [list(c.cues) for c in criteria]


def _bank_topics(bank) -> list[list[list[str]]]:  # noqa: ANN001
    """Every question in the bank as its criteria's cues: an answer may run ahead to any (also
    one left out by --prompts), and a word's weight is how few questions of all use it."""
    return [_cues(prompt.criteria) for prompt in bank.prompts]


def _controls(*, enter: bool) -> str:
    """How to steer the spoken exam, said once at the start (the README has the rest)."""
    ends = 'Enter or "that\'s my answer"' if enter else '"that\'s my answer"'
    return (
        f'{ends} ends your turn at once; "next question" skips one; Ctrl+C pauses '
        "(the session is saved)"
    )


def _enter_key_watcher():
    """Enter on the terminal ends the candidate's turn at once."""
    pressed = threading.Event()

    def watch() -> None:
        for _ in sys.stdin:
            pressed.set()

    if sys.stdin is not None and sys.stdin.isatty():
        threading.Thread(target=watch, name="keys", daemon=True).start()

    def consume() -> bool:
        if pressed.is_set():
            pressed.clear()
            return True
        return False

    return consume


def _keep_audio(port, session_id: str) -> None:  # noqa: ANN001
    from voice.audio import PIPELINE_RATE, write_wav

    from ..settings import data_home

    recorded = getattr(port, "recorded", None)
    if not callable(recorded):
        return
    mic, out = recorded()
    folder = data_home() / "audio" / session_id
    write_wav(folder / "candidate.wav", mic, PIPELINE_RATE)
    write_wav(folder / "interviewer.wav", out, PIPELINE_RATE)
    notice(f"audio kept in {folder}")
