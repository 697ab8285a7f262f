"""One spoken conversation on one audio port: say things, listen for a turn, handle barge-in.

The loop reads 32 ms mic frames; each goes through the echo gate, the VAD, the streaming ASR
and the turn taker, whose frames (pause, resume, interruption, end of turn) go to the speaker.
ASR and TTS run on their own threads, so the loop never waits on a model while it listens.
On a deterministic port (a file read as fast as possible) model work takes no device time: the
loop waits for it before reading on, so runs are repeatable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .asr import StreamingTranscriber, Transcriber, exam_hint, question_context
from .audio import PIPELINE_RATE
from .config import VoiceConfig
from .echo import EchoGate
from .frames import (
    EndOfTurnFrame,
    InterruptionFrame,
    PausePlaybackFrame,
    ResumePlaybackFrame,
    SpeakFrame,
    SpeechTag,
    TurnStartedFrame,
)
from .hearing import FrameJudge, FrameVerdict
from .levels import clips, frame_level_db, is_digital_silence
from .ports import AudioPort
from .speaker import Speaker, SpeechSynth
from .topics import TopicRouter
from .tts import speech_pieces
from .turn import TranscriptView, TurnPolicy, TurnTaker
from .vad import SileroVad
from .words import (
    FOLLOWED,
    checks_understanding,
    ends_unfinished,
    no_words,
    spoken_form,
    trails_off_in_words,
)

# The interviewer's first words wait until the mic has been heard this long: a candidate who is
# already talking (a recording that starts with the answer) is heard before it talks over them.
# The near-talker gate first judges a voice from its eighth frame.
_OPENING_LISTEN_FRAMES = 10  # 320 ms
# A muted input can still send a click as its stream opens (one near full scale, third frame in,
# through ALSA); a working microphone sends sound in every frame.
_MIC_ALIVE_FRAMES = 8
_MIC_CLIPS_SHARE = 0.05
_MIC_CLIPS_FRAMES = 10


@dataclass
class HeardTurn:
    """What the candidate said in one turn, and how long each stage took."""

    text: str
    timing: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    barged_in: bool = False
    unspoken: list[SpeechTag] = field(default_factory=list)  # what the interruption cut off
    input_ended: bool = False
    acknowledged: bool = False  # an "Okay." went out the moment the turn ended
    ack_text: str = ""  # which words it was ("Yes, I follow." to "Does that make sense?")
    speech_start: float = 0.0
    speech_end: float = 0.0
    # The candidate may still go on (the floor is open): text is the words so far, and the ASR
    # turn stays open so that going on is transcribed as one answer.
    provisional: bool = False
    ended_at: float = 0.0  # perf_counter when the turn was heard to end (asr_final counts from it)


# Turn ends after which the floor stays open a little (continuation_grace_ms).
_MAY_GO_ON = ("finished_sentence", "finished_on_review")
# Turns judged on the full-window words, which are in when they end: "Yeah." over a question,
# "Could you repeat the question?", "Is it on the device?", a cough over the interviewer. No
# "Okay." for them, and no wait for a final transcript.
_SHORT_REQUESTS = ("interjection", "repeat_request", "question", "no_words")
# Turn ends with no "Okay.": those (the interviewer goes on, says it again or answers), and
# "Let me think." with a long silence (nothing was answered).
_NO_ACK = ("thinking", *_SHORT_REQUESTS)

# Said the moment a turn ends, while the answer is scored and the reply synthesized: an
# interview tolerates a thoughtful pause, not a dead one.
ACK_PHRASES = ("Okay.", "Right.", "Got it.")


@dataclass
class Models:
    """The three models, loaded once and shared by every conversation (and test)."""

    vad: SileroVad
    transcriber: Transcriber
    synth: SpeechSynth
    acks: dict[str, np.ndarray] = field(default_factory=dict)  # pre-synthesized, ready to play
    # "Yes, I follow.", for an answer that ends "Does that make sense?" (pre-synthesized too:
    # made at the turn's end it came 0.5 s late while the answer's whole window was decoded).
    followed: np.ndarray | None = None

    @classmethod
    def load(cls, config: VoiceConfig, *, warm: bool = True) -> Models:
        from .tts import Synthesizer

        models = cls(SileroVad(), Transcriber(config), Synthesizer(config))
        models.acks = {text: models.synth.synthesize(text) for text in ACK_PHRASES}
        models.followed = models.synth.synthesize(FOLLOWED)
        if warm:
            # The first call of each ONNX / CTranslate2 model is several times slower.
            silence = np.zeros(PIPELINE_RATE, dtype=np.float32)
            models.transcriber.transcribe(silence)
            models.transcriber.transcribe_fast(silence)
        return models

    def notices(self) -> list[str]:
        """One line for each configured model that gave way to the bundled one."""
        return [n for n in (self.transcriber.notice, getattr(self.synth, "notice", None)) if n]

    def versions(self) -> dict[str, str]:
        """The models that actually run, for the session's record."""
        names = {"asr_model": self.transcriber.model_name}
        if voice := getattr(self.synth, "voice_name", None):
            names["tts_voice"] = voice
        return names


def policy_from(config: VoiceConfig) -> TurnPolicy:
    return TurnPolicy(
        end_of_turn_silence_ms=config.end_of_turn_silence_ms,
        max_end_of_turn_silence_ms=config.max_end_of_turn_silence_ms,
        unfinished_turn_silence_ms=config.unfinished_turn_silence_ms,
        thinking_silence_ms=config.thinking_silence_ms,
        review_silence_ms=config.review_silence_ms,
        min_barge_in_ms=config.min_barge_in_ms,
        interjection_max_words=config.interjection_max_words,
        interjection_silence_ms=config.interjection_silence_ms,
        end_phrases=tuple(config.end_phrases),
    )


class Conversation:
    def __init__(
        self,
        port: AudioPort,
        models: Models,
        config: VoiceConfig,
        *,
        echo_gate: EchoGate | None = None,
    ) -> None:
        self.port = port
        self.config = config
        self._vad = models.vad
        self._vad.reset()
        self._judge = FrameJudge.for_config(config)
        self._echo = echo_gate
        self.speaker = Speaker(models.synth, port)
        self._acks = list(models.acks.items())
        self._followed = models.followed
        self.stt = StreamingTranscriber(
            models.transcriber, min_speech_ms=config.min_barge_in_ms, denoise=config.asr_denoise
        )
        self.turns = TurnTaker(policy_from(config))
        self._deterministic = bool(getattr(port, "deterministic", False))
        if not self._deterministic:
            # Live, Piper warming ahead and Whisper share the CPU: while the candidate speaks,
            # or their words are still being transcribed, warming waits (on two cores it
            # slowed a short answer's words by ~1 s, and the end of its turn with them).
            self.speaker.warm_when = lambda: not self.turns.in_turn and self.stt.idle
        self._utterance = 0
        self._piece = 0
        self._input_ended = False
        self._frames_heard = 0
        # A sound card's microphone (None on a file): until it sends any sound at all, it may
        # be muted.
        self.mic_name: str | None = getattr(port, "mic_name", None)
        self._sound_frames = 0  # frames with any sound in them, up to _MIC_ALIVE_FRAMES
        self._voice_frames = 0  # the candidate's speech heard, in frames
        self._clipped_frames = 0  # of those, frames the microphone clipped
        self._opening_hold = False
        # The file's (or the mic's) time of the last frame the interviewer spoke or anyone was
        # heard: how long the room has been quiet.
        self._last_sound_t = 0.0
        self.key_pressed = None  # set by a face: a callable returning True once a key ends the turn
        # What the face says of kinds of speech that ask a question ("prompt", "follow_up"): a
        # short cut-in over one still to be asked is an interjection (TurnPolicy).
        self.question_kinds: tuple[str, ...] = ()
        port.start()

    # -- speaking ---------------------------------------------------------------------------
    def say(self, text: str, kind: str = "", *, split_first: bool = True) -> list[SpeechTag]:
        if self._frames_heard < _OPENING_LISTEN_FRAMES and not self._opening_hold:
            self._opening_hold = True
            self.speaker.queue_frame(PausePlaybackFrame(self.port.frame_time()))
        tags = []
        for piece in speech_pieces(text, split_first=split_first):
            tag = SpeechTag(utterance=self._utterance, piece=self._piece, text=piece, kind=kind)
            self._piece += 1
            tags.append(tag)
            self.speaker.queue_frame(SpeakFrame(tag))
        self._utterance += 1
        return tags

    def say_again(self, tags: list[SpeechTag], *, go_on: bool = False) -> None:
        """Pieces cut off by a barge-in, said again in order: not a cut-off "Okay.", nor the
        "As I was saying:" of an earlier going-back (the new one has its own). go_on: the
        cut piece from the phrase it was cut in (after a cough), not from its start."""
        for tag in tags:
            if tag.kind not in ("ack", "preface"):
                self.speaker.queue_frame(SpeakFrame(tag if go_on else replace(tag, heard=0)))

    def slow_down(self) -> bool:
        """The candidate asked the interviewer to speak more slowly (False: it already does
        as slowly as it goes)."""
        return self.speaker.slow_down()

    def speak_up(self) -> bool:
        """ "Can you speak up?" (False: it already plays as loud as it goes)."""
        return self.speaker.louder()

    def speak_softer(self) -> bool:
        """ "You're too loud." (False: it already plays as quietly as it goes)."""
        return self.speaker.softer()

    def acknowledge(self, heard: str = "") -> str:
        """Say a short pre-synthesized "Okay." now; what was said ("" when there is none to
        say). heard: the turn's words, which may end by asking "Does that make sense?": that is
        answered instead ("Yes, I follow.")."""
        if checks_understanding(heard) and self._followed is not None:
            text, audio = FOLLOWED, self._followed
        elif self._acks:
            text, audio = self._acks[self._utterance % len(self._acks)]
        else:
            return ""
        tag = SpeechTag(utterance=self._utterance, piece=self._piece, text=text, kind="ack")
        self._utterance += 1
        self._piece += 1
        self.speaker.play_now(tag, audio)
        return text

    def set_context(
        self,
        text: str,
        points: Iterable[Iterable[str]] = (),
        then: Iterable[Iterable[str]] = (),
    ) -> None:
        """What the interviewer just asked, and the phrases of each point its answer is likely
        to make (then: the next question's, which a candidate may answer ahead): the ASR's
        prompt, so those words are heard and spelled right."""
        self.stt.context = question_context(text)
        self.stt.points = [list(point) for point in points]
        self.stt.hint = exam_hint(self.stt.points, then)

    def set_topics(self, topics: Sequence[Sequence[Sequence[str]]]) -> None:
        """Every question's points: an answer heard to be about another question than the one
        asked (it ran ahead) is transcribed with that question's terms first."""
        self.stt.router = TopicRouter(topics)

    def begin_reply(self) -> None:
        self.speaker.begin_batch()

    def warm(self, texts: list[str], *, split_first: bool = True) -> None:
        """Synthesize ahead what will probably be said (the first pieces of each text)."""
        pieces: list[str] = []
        for text in texts:
            pieces.extend(speech_pieces(text, split_first=split_first)[:3])
        self.speaker.warm(pieces)

    @property
    def deterministic(self) -> bool:
        """A file read as fast as possible: model work takes no device time."""
        return self._deterministic

    @property
    def input_ended(self) -> bool:
        return self._input_ended

    def quiet_for(self) -> float:
        """Seconds since the interviewer last spoke or the VAD last heard speech (any:
        a cough counts, as the candidate is there)."""
        return max(0.0, self.port.frame_time() - self._last_sound_t)

    @property
    def mic_sends_nothing(self) -> bool:
        """A sound card's microphone has sent only digital silence since the session began:
        muted, or not the one in use (never on a file, whose silence is the recording's)."""
        return (
            self.mic_name is not None
            and self._frames_heard > 0
            and self._sound_frames < _MIC_ALIVE_FRAMES
        )

    @property
    def mic_clips(self) -> bool:
        """The candidate's voice often reaches the microphone's full scale (its gain is set too
        high, or they are very close): one frame of their speech in 20 or more."""
        return (
            self._clipped_frames >= _MIC_CLIPS_FRAMES
            and self._clipped_frames >= _MIC_CLIPS_SHARE * self._voice_frames
        )

    @property
    def hears_typing(self) -> bool:
        """Keys have been heard clicking in one of the candidate's answers."""
        return self.stt.typing_heard

    @property
    def hears_other_voices(self) -> bool:
        """The room holds voices besides the candidate's: only speech louder than theirs counts."""
        return self._judge.hears_other_voices

    @property
    def other_voices_came_later(self) -> bool:
        """The voices were heard only after the candidate's first answer: perhaps the candidate,
        farther from the microphone than then."""
        near = self._judge.near
        return near is not None and near.voices_came_after_theirs

    @property
    def voice_over_noise_db(self) -> float | None:
        """How far the candidate's voice stands over the room's steady noise, once both are
        known (None in a room with other voices: that is hears_other_voices)."""
        near = self._judge.near
        if near is None or near.busy or near.voice_db is None or near.room_db is None:
            return None
        return near.voice_db - near.room_db

    def drain(self) -> None:
        """Let everything queued be said (or the input end); a barge-in just stops it."""
        self.turns.reset()
        while self.speaker.busy:
            if not self._step_playback_only():
                return

    def _step_playback_only(self) -> bool:
        self._settle()
        t = self.port.frame_time()
        frame = self.port.read_frame()
        if frame is None:
            self._input_ended = True
            return False
        heard, _ = self._hear(frame, t)
        for f in self.turns.on_frame(
            t, heard.speech, self.speaker.busy, TranscriptView(), sound=heard.sound
        ):
            if isinstance(f, PausePlaybackFrame | ResumePlaybackFrame | InterruptionFrame):
                self.speaker.queue_frame(f)
            if isinstance(f, InterruptionFrame):
                return False
        return True

    # -- listening --------------------------------------------------------------------------
    def _settle(self) -> None:
        if self._deterministic:
            self.speaker.wait_synthesized()
            self.stt.wait_idle()
            if self.turns.awaiting_full_text:
                self.stt.wait_full()

    def _hear(self, frame, t: float) -> tuple[FrameVerdict, bool]:  # noqa: ANN001
        """(what the frame says of the candidate, the frame is only the interviewer's own
        voice)."""
        self._frames_heard += 1
        if self._opening_hold and self._frames_heard >= _OPENING_LISTEN_FRAMES:
            self._opening_hold = False
            if self.turns.idle:
                self.speaker.queue_frame(ResumePlaybackFrame(t))
        if self._sound_frames < _MIC_ALIVE_FRAMES and not is_digital_silence(frame):
            self._sound_frames += 1
        prob = self._vad.probability(frame)
        echo = self._echo
        echoed = playing = False
        if echo is not None:
            lead = echo.max_delay / self.port.sample_rate
            # Echo reaches the mic a little after the speaker plays it, so it outlasts playback.
            playing = t < self.port.playing_until() + lead
            if playing:
                ref = self.port.reference(max(0.0, t - lead), frame.size + echo.max_delay)
                echoed = echo.is_echo(frame, ref)
                if echoed:
                    prob = 0.0
        level = frame_level_db(frame)
        heard = self._judge.judge(
            prob,
            level,
            in_turn=self.turns.in_turn,
            playing=playing,
            echoed=echoed,
            # A frame too quiet to hold anyone talking tells the room's level, echo or not.
            loud_echo=echoed and echo is not None and level >= echo.quiet_dbfs,
            floor_free=self.turns.idle and not self.speaker.busy,
        )
        if heard.voice or self.speaker.busy:
            self._last_sound_t = t
        if heard.speech:
            self._voice_frames += 1
            self._clipped_frames += clips(frame)
        return heard, echoed

    def listen(
        self,
        *,
        acknowledge: bool = False,
        until: Callable[[], bool] | None = None,
        thinking_aloud: bool = True,
    ) -> HeardTurn | None:
        """Until the candidate's turn ends. None when the input ended with nothing said.

        acknowledge: say "Okay." the moment a turn with words ends, before its final transcript.
        until: stop listening (None) once this is true while no one has started speaking: how
        the loop keeps hearing the mic, barge-in included, while an answer is being scored.
        thinking_aloud: a turn of only "Okay, let me think." waits for the answer after it
        (TurnPolicy.thinking_silence_ms). Off after an answer, where "So, yeah." closes it.

        A turn ended by silence after a finished sentence leaves the floor open a little longer
        (continuation_grace_ms from the end of speech): the "Okay." was a backchannel if the
        candidate goes on, and what they say joins the same turn; their pause then raises the
        silence that ends later turns (TurnTaker.finished_silence_ms). Both transcripts can drop a
        trailing "and" ("I would freeze the roll-out."), so the words alone cannot be trusted to
        say the answer is over. When the full transcript does keep the "and", the floor stays
        open until the long silence (unfinished_turn_silence_ms).
        """
        self.turns.thinking_aloud = thinking_aloud
        heard = self._listen_turn(acknowledge, until)
        while heard is not None and heard.provisional:
            deadline = self._floor_open_until(heard)
            if deadline is None:
                break
            # Going on after a finished sentence: the "Okay." came too soon for this candidate,
            # so their pause is learned the moment they go on (before their next one). Not when
            # the fast words heard it trail off ("..., and"): the whole window, told the exam's
            # words, can close such a sentence ("...its own cluster."), and a pause after "and"
            # says nothing of their pauses between sentences. (Within a turn, TurnTaker learns
            # only after finished fast words; a stray comma there stops it too.)
            trailed_off = ends_unfinished(heard.text) or trails_off_in_words(self.stt.text)
            learn_from = None if trailed_off else heard.speech_end
            more = self._listen_turn(
                acknowledge,
                lambda d=deadline: self.port.frame_time() >= d,
                learn_from=learn_from,
                fresh=False,
            )
            if more is None:
                break
            heard = _joined(heard, more)
        if heard is not None and heard.provisional:
            heard = self._finalize(heard)
        return heard

    def _finalize(self, heard: HeardTurn) -> HeardTurn:
        """The floor is closed: the whole turn's final transcript."""
        text = spoken_form(self.stt.final())
        asr_final = self._asr_final_ms(heard.ended_at)
        if heard.barged_in and no_words(text):
            # Live, a cough over the interviewer can end on the fast words ("I'm.") before
            # the full window says it held none, or only "Uh.": nothing to keep (TurnTaker).
            text = ""
        self.stt.reset()
        timing = {**heard.timing, "asr_final": asr_final}
        return replace(heard, text=text, timing=timing, provisional=False)

    def _asr_final_ms(self, ended_at: float) -> float:
        return asr_final_ms(ended_at, self.stt.final_at, time.perf_counter())

    def _floor_open_until(self, heard: HeardTurn) -> float | None:
        """Until when the candidate may go on with this turn (None: it is over now)."""
        if not heard.text:
            return None
        if ends_unfinished(heard.text):
            wait_ms = self.config.unfinished_turn_silence_ms
        else:
            wait_ms = self.config.continuation_grace_ms
        deadline = heard.speech_end + wait_ms / 1000
        return deadline if deadline > self.port.frame_time() else None

    def _listen_turn(
        self,
        acknowledge: bool,
        until: Callable[[], bool] | None,
        *,
        learn_from: float | None = None,
        fresh: bool = True,
    ) -> HeardTurn | None:
        """One turn. learn_from: the end of speech this turn goes on from (a learned pause);
        fresh=False: it goes on from a provisional turn, in the same ASR turn."""
        self.turns.reset()
        if fresh:
            self.stt.reset()
        barge_stop_ms: float | None = None
        paused_at: float | None = None
        unspoken: list[SpeechTag] = []
        heard_all = False  # the barge-in cut off no more than the last word or two
        while True:
            if until is not None and self.turns.idle and until():
                return None
            self._settle()
            t = self.port.frame_time()
            frame = self.port.read_frame()
            if frame is None:
                self._input_ended = True
                eot = self.turns.force_end(self.port.frame_time(), "input_ended")
                if eot is None:
                    return None
                return self._finish(eot, barge_stop_ms, unspoken, heard_all, input_ended=True)
            heard_frame, echoed = self._hear(frame, t)
            speech = heard_frame.speech
            # On a loudspeaker, a frame that is only the interviewer's own voice goes to Whisper
            # as silence: it would write the "Okay." into the answer (the candidate's onset over
            # it is not an echo, and is kept).
            self.stt.push(
                np.zeros_like(frame) if echoed and not speech else frame, heard_frame.sure
            )
            if self.key_pressed is not None and self.key_pressed() and self.turns.in_turn:
                eot = self.turns.force_end(t, "key")
                if eot is not None:
                    acked = (
                        self.acknowledge(self.stt.full_text or self.stt.text) if acknowledge else ""
                    )
                    heard = self._finish(eot, barge_stop_ms, unspoken, heard_all)
                    heard.acknowledged, heard.ack_text = bool(acked), acked
                    return heard
            view = TranscriptView(self.stt.text, self.stt.up_to_date, self.stt.full_text)
            sound = heard_frame.sound
            for f in self.turns.on_frame(t, speech, self.speaker.busy, view, sound=sound):
                if isinstance(f, PausePlaybackFrame):
                    self.speaker.queue_frame(f)
                    paused_at = self.port.now()
                elif isinstance(f, ResumePlaybackFrame):
                    self.speaker.queue_frame(f)
                    paused_at = None
                elif isinstance(f, InterruptionFrame):
                    self.speaker.queue_frame(f)
                    unspoken = list(self.speaker.unspoken)
                    unsaid = self.speaker.unsaid_s
                    if unsaid is not None and unsaid * 1000 <= self.turns.policy.heard_enough_ms:
                        # Cut in on the last word or two, with nothing after them: the
                        # candidate heard the question and answers it. Their own turn, as
                        # if they had waited (thinking aloud counts), not one to come back from.
                        unspoken, heard_all = [], True
                        self.turns.barged_in_at = None
                    self.turns.cut_in_question = any(
                        tag.kind in self.question_kinds for tag in unspoken
                    )
                    # The pause already silenced the port at the first speech frame.
                    stop = paused_at if paused_at is not None else self.port.now()
                    barge_stop_ms = max(0.0, (stop - f.onset_t) * 1000)
                elif isinstance(f, TurnStartedFrame):
                    if learn_from is not None:
                        self.turns.note_pause((f.t - learn_from) * 1000)
                elif isinstance(f, EndOfTurnFrame):
                    acks = acknowledge and f.reason not in _NO_ACK and bool(self.stt.text.strip())
                    acked = self.acknowledge(self.stt.full_text or self.stt.text) if acks else ""
                    heard = self._finish(f, barge_stop_ms, unspoken, heard_all)
                    heard.acknowledged, heard.ack_text = bool(acked), acked
                    if heard.text or heard.barged_in:
                        return heard
                    # Noise, not words: keep listening.
                    self.turns.reset()
                    self.stt.reset()

    def _finish(
        self,
        eot: EndOfTurnFrame,
        barge_stop_ms: float | None,
        unspoken: list[SpeechTag],
        heard_all: bool = False,
        *,
        input_ended: bool = False,
    ) -> HeardTurn:
        # A finished sentence may not be the end: no waiting for the final transcript (the loop
        # must keep hearing a candidate who goes on over the "Okay."), and the ASR turn stays open.
        provisional = eot.reason in _MAY_GO_ON and not input_ended
        t0 = time.perf_counter()
        if eot.reason == "no_words":
            text = ""  # not words: nothing to answer, nor to put in front of the answer
        elif provisional or eot.reason in _SHORT_REQUESTS:
            # A short request was judged on the full-window words, which are in: no waiting
            # for a final transcript before the interviewer answers it.
            full = self.stt.full_text
            text = spoken_form(full if full is not None else self.stt.text)
        else:
            text = spoken_form(self.stt.final())
        timing = {
            "vad_end_of_turn": round((eot.t_decided - eot.t_speech_end) * 1000, 1),
            "asr_final": self._asr_final_ms(t0),
        }
        if barge_stop_ms is not None:
            timing["barge_in_stop"] = round(barge_stop_ms, 1)
        heard = HeardTurn(
            text=text,
            timing=timing,
            reason=eot.reason,
            barged_in=barge_stop_ms is not None and not heard_all,
            unspoken=unspoken,
            input_ended=input_ended,
            speech_start=self.turns.turn_start or 0.0,
            speech_end=eot.t_speech_end,
            provisional=provisional,
            ended_at=t0,
        )
        self.turns.reset()
        if not provisional:
            self.stt.reset()
        return heard

    def close(self) -> None:
        self.speaker.interrupt()
        self.speaker.close()
        self.stt.close()
        self.port.close()


def asr_final_ms(ended_at: float, final_at: float | None, now: float) -> float:
    """From the end of the turn (ended_at) to its stored transcript in hand (final_at; None: it
    was not, and the fast words were taken now). After a finished sentence the transcript is
    made while "Okay." plays and the floor stays open: this is the time it took, not what was
    left to wait for once the floor closed. 0 when it was in hand as the turn ended."""
    in_hand = now if final_at is None else min(final_at, now)
    return round(max(0.0, in_hand - ended_at) * 1000, 1)


def _joined(first: HeardTurn, more: HeardTurn) -> HeardTurn:
    """One turn from a stretch that seemed finished and what the candidate went on to say (the
    ASR turn was kept open, so more.text covers both)."""
    timing = dict(more.timing)
    if "barge_in_stop" in first.timing:
        timing["barge_in_stop"] = first.timing["barge_in_stop"]
    return replace(
        more,
        timing=timing,
        barged_in=first.barged_in,
        unspoken=first.unspoken,  # what the first barge-in cut off (not the "Okay.")
        speech_start=first.speech_start,
    )
