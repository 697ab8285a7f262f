"""Streaming ASR: faster-whisper on the candidate's speech, closed at their pauses.

Two jobs run beside the listening loop, each on its own thread (the model has two replicas):

- fast: each stretch between pauses is transcribed as soon as the pause starts, with the encoder
  cut to the stretch's own length (~6x cheaper than Whisper's 30 s window). These words decide
  the end of the turn: "...cost ceiling." ends it, "...and" does not.
- whole: the turn so far, in one full-window call, restarted at every pause longer than those
  inside an answer (a newer request replaces an older one still waiting). One window costs the
  same for 1 s or 25 s, and the longer context transcribes better, so this is the stored
  transcript; when the candidate stops it is usually done, or nearly. Answers longer than ~20 s
  are committed in parts. It also reviews an end of turn the fast words called unfinished (a
  stray comma), ~0.8 s into a pause: there a fast-beam draft of the window goes first, as the
  beam search costs 2.5x.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .audio import FRAME_SAMPLES, PIPELINE_RATE
from .clicks import sounds_like_typing
from .config import VoiceConfig
from .coverage import (
    dropped_words,
    fast_words,
    first_dropped,
    first_heard,
    restore_dropped,
)
from .denoise import lower_steady_noise
from .levels import at_speaking_level
from .topics import TopicRouter
from .whisper_load import load_whisper
from .whisper_text import (
    compresses_like_a_loop,
    drop_repeats,
    join_windows,
    loops,
    one_copy,
    short_window_text,
)
from .words import fast_words_unfinished

# Words of this exam that tiny.en gets wrong without a hint (Whisper's prompt is "earlier text").
DOMAIN_TERMS = (
    "WER, ASR, VAD, TTS, MOS, p95 latency, GPU, SLO, rollout, rollback, canary, KV cache, "
    "quantization, slice, tenant, barge-in, first audio byte, eval set, regression"
)
# Whisper copies the prompt's register: with contractions in it, a spoken "I'd start" stays
# "I'd" (without them tiny.en wrote "I start" for 15 of 17 in one espeak voice).
SPOKEN_FORMS = "I'd, we'd, I've, it's"
_PROMPT_CHARS = 600  # the fast words' prompt
# The whole window's: the glossary, the answer's hint and the question all fit (up to ~830
# characters in the bundled bank, within Whisper's 223 prompt tokens); earlier words of a long
# answer push the glossary out first. Decoding costs the same: 598 ms an answer against 593, at
# beam 5 on 60 answers of 6-11 s.
_WHOLE_PROMPT_CHARS = 900


def glossary_prompt(*texts: str) -> str:
    """Whisper's initial prompt: the domain terms, then what the interviewer just asked."""
    parts = [f"Glossary: {DOMAIN_TERMS}, {SPOKEN_FORMS}."]
    parts += [t.strip() for t in texts if t and t.strip()]
    return " ".join(parts)


# A follow-up opens by quoting the candidate ('You focused on "...". How would you know...?'):
# their words as heard, mishearings and all. Told them, tiny.en heard the answer to the probe
# worse: WER 0.1268 -> 0.1357 on 60 follow-up answers (0.0851 -> 0.0853 on 128 longer ones).
_QUOTED_LEAD = re.compile(r'^[^".?!]*"[^"]+(?:[.!?]"|"[.!?])\s+(?=\S)')


def question_context(asked: str) -> str:
    """What the interviewer asked, as the recognizer's context: without an opening sentence
    that quotes the candidate, where a question follows it."""
    text = asked.strip()
    while match := _QUOTED_LEAD.match(text):
        text = text[match.end() :]
    return text


# Room for the answer's own terms in the whole window's prompt: the question's points in the
# first 300 characters (a probe puts the point it asks about first), the next question's in the
# rest. Candidates answer ahead: on 104 answers heard under the question before theirs, WER
# 0.120 with 450 characters of that question's points, 0.096 with the next one's after; on 128
# heard under their own, 0.084 -> 0.082 (more of one question's points added little).
_HINT_CHARS = 300
_HINT_ROOM = 450
# A phrase Whisper can be told as speech: words, not code ("failures += 1", "window_seconds").
_SPOKEN_PHRASE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ',\-]*")


def answer_hint(points: Iterable[Iterable[str]], limit: int = _HINT_CHARS) -> str:
    """What an answer to this question is likely to say, for the prompt: one sentence per
    point, its phrases in a list ("Split latency into request queue, text normalization,
    acoustic model, vocoder.").

    Told the exam's words for the question, tiny.en hears them where it wrote "memory cover"
    for "vocoder", "normal animation" for "normalization" and "continue as batching". As a
    sentence per point, the register of speech: after one long comma list Whisper wrote whole
    answers as a single run-on sentence, and after a sentence per phrase it cut a spoken list
    into one-word sentences.
    """
    out: list[str] = []
    used = 0
    for point in points:
        said = [p.strip().rstrip(".") for p in point]
        said = [p for p in said if _SPOKEN_PHRASE.fullmatch(p)]
        if not said:
            continue
        sentence = ", ".join(said)
        sentence = f"{sentence[0].upper()}{sentence[1:]}."
        if len(sentence) >= limit:
            continue  # a bank's cue written as a paragraph: no room for it, nor reason to stop
        if used + len(sentence) + 1 > limit:
            break
        out.append(sentence)
        used += len(sentence) + 1
    return " ".join(out)


def exam_hint(points: Iterable[Iterable[str]], then: Iterable[Iterable[str]] = ()) -> str:
    """The question's points (answer_hint), then the next question's in the room they left."""
    now = answer_hint(points)
    ahead = answer_hint(then, _HINT_ROOM - len(now) - 1)
    return " ".join(h for h in (now, ahead) if h)


class Transcriber:
    """One faster-whisper model, loaded once (two replicas, so fast and whole jobs overlap).

    A configured model that cannot run here gives way to the bundled tiny.en on the CPU
    (voice/whisper_load.py): `notice` says why, `model_name` / `device` say what runs.
    """

    def __init__(self, config: VoiceConfig | None = None) -> None:
        cfg = config or VoiceConfig()
        loaded = load_whisper(cfg)
        self._model = loaded.model
        self.notice = loaded.notice
        self.model_name = loaded.name
        # What runs: "auto" and "default" resolve to a device and a type on load.
        self.device = str(self._model.model.device)
        self.compute_type = str(self._model.model.compute_type)
        self.threads = cfg.asr_threads
        self.beam_size = cfg.asr_beam_size
        self.final_beam_size = cfg.asr_final_beam_size
        self._tokenizer = None
        self.fallbacks = 0  # short-window results thrown away as loops

    def transcribe(self, audio: np.ndarray, prompt: str = "", *, beam_size: int = 0) -> str:
        """Full-window transcription: the best text tiny.en gives (0.4-0.7 s per 30 s window).

        faster-whisper's own fallback for a loop samples again at rising temperatures, from a
        generator seeded at random in each of CTranslate2's threads: the same answer was stored
        differently from run to run ("...the evaluation set" in one, "...the simulation set" in
        the next). A loop (text that compresses as Whisper's does not) is decoded again by beam
        search that may not repeat three words in a row: the same audio, the same words.
        """
        audio = np.asarray(audio, dtype=np.float32)
        beam = beam_size or self.beam_size
        text = self._decode(audio, prompt, beam)
        if compresses_like_a_loop(text):
            text = self._decode(audio, prompt, beam, no_repeat=3)
        return text

    def _decode(self, audio: np.ndarray, prompt: str, beam_size: int, no_repeat: int = 0) -> str:
        segments, _ = self._model.transcribe(
            audio,
            language="en",
            beam_size=beam_size,
            temperature=0.0,
            no_repeat_ngram_size=no_repeat,
            condition_on_previous_text=False,
            without_timestamps=True,
            initial_prompt=prompt[-_WHOLE_PROMPT_CHARS:] or None,
            vad_filter=False,
        )
        return join_windows(*(s.text for s in segments))

    def transcribe_fast(self, audio: np.ndarray, prompt: str = "") -> str:
        """A short stretch with the encoder cut to its length plus 1 s of silence.

        Whisper pads to 30 s; the encoder is most of the cost, so a 3 s stretch costs a sixth.
        A loop or a runaway length (the short window's failure mode) is decoded again with no
        three words repeated, then falls back to transcribe() (short_window_text).
        """
        import ctranslate2

        audio = np.asarray(audio, dtype=np.float32)
        seconds = audio.size / PIPELINE_RATE
        if seconds > 25:
            return self.transcribe(audio, prompt)
        padded = np.concatenate([audio, np.zeros(PIPELINE_RATE, dtype=np.float32)])
        feats = self._model.feature_extractor(padded, padding=0)
        frames = min(3000, feats.shape[-1] - feats.shape[-1] % 2)
        features = ctranslate2.StorageView.from_array(
            np.ascontiguousarray(feats[None, :, :frames], dtype=np.float32)
        )
        tok = self._get_tokenizer()
        tokens: list[int] = []
        if prompt.strip():
            tokens = [tok.sot_prev] + tok.encode(" " + prompt.strip()[-_PROMPT_CHARS:])[-150:]
        tokens += list(tok.sot_sequence) + [tok.no_timestamps]
        cap = int(12 + 7 * seconds)

        def decode(no_repeat: int) -> str:
            result = self._model.model.generate(
                features,
                [tokens],
                beam_size=self.beam_size,
                max_length=len(tokens) + cap,  # the prompt counts towards the length
                suppress_blank=True,
                no_repeat_ngram_size=no_repeat,
            )[0]
            ids = [t for t in result.sequences_ids[0] if t < tok.eot]
            return one_copy(drop_repeats(tok.decode(ids).strip()))

        text = short_window_text(decode, seconds)
        if text is None:
            self.fallbacks += 1
            return self.transcribe(audio, prompt)
        return text

    def _get_tokenizer(self):  # noqa: ANN202 - faster_whisper's Tokenizer, imported lazily
        if self._tokenizer is None:
            from faster_whisper.tokenizer import Tokenizer

            self._tokenizer = Tokenizer(
                self._model.hf_tokenizer, False, task="transcribe", language="en"
            )
        return self._tokenizer


@dataclass
class _Segment:
    index: int
    frames: list[np.ndarray] = field(default_factory=list)
    speech_frames: int = 0
    trailing_silence: int = 0
    turn_start: int = 0  # frame index into the turn's audio where its frames begin


@dataclass(frozen=True)
class _Span:
    """The last fast job's audio: the segment that holds its words, and the frame of the turn's
    audio it starts at."""

    holder: int
    start: int


@dataclass
class _WholeRequest:
    epoch: int
    start: int  # frame index into the turn's audio
    end: int
    segments: int  # how many segments this covers
    audio: np.ndarray
    # Where each stretch in it ended: (frame index into the turn, segments covered by then).
    bounds: list[tuple[int, int]] = field(default_factory=list)
    commit: bool = False  # a part cut from a longer request: kept whatever its length


class StreamingTranscriber:
    """Collects the candidate's audio into segments closed at pauses; workers transcribe them."""

    def __init__(
        self,
        transcriber: Transcriber,
        *,
        pause_ms: int = 192,
        long_segment_s: float = 5.0,
        long_pause_ms: int = 64,
        preroll_ms: int = 256,
        min_speech_ms: int = 96,
        commit_s: float = 20.0,
        max_window_s: float = 28.0,
        tail_ms: int = 320,
        merge_max_s: float = 12.0,
        whole_after_ms: int = 480,
        denoise: bool = True,
    ) -> None:
        self._asr = transcriber
        # The stored transcript is made from the answer with the room's steady noise lowered
        # (voice/denoise.py) and its level brought to a speaking one (voice/levels.py); the fast
        # words, which only decide the end of the turn, hear it raw.
        self._denoise = denoise
        if denoise:
            import scipy.signal  # noqa: F401 - loaded here, not first inside a worker thread
        self._pause_frames = max(1, round(pause_ms * PIPELINE_RATE / 1000 / FRAME_SAMPLES))
        # A run-on answer (commas, no real pauses) would be one stretch, and its fast words,
        # which decide the end of the turn, would cost a whole window once it stops (1-1.2 s
        # for 23 s on two busy cores): past long_segment_s a word gap closes the stretch.
        self._long_frames = int(long_segment_s * PIPELINE_RATE / FRAME_SAMPLES)
        self._long_pause_frames = max(
            1, round(long_pause_ms * PIPELINE_RATE / 1000 / FRAME_SAMPLES)
        )
        self._preroll: deque[np.ndarray] = deque(
            maxlen=max(1, round(preroll_ms * PIPELINE_RATE / 1000 / FRAME_SAMPLES))
        )
        self._min_speech_frames = max(
            1, round(min_speech_ms * PIPELINE_RATE / 1000 / FRAME_SAMPLES)
        )
        self._commit_frames = int(commit_s * PIPELINE_RATE / FRAME_SAMPLES)
        # A stretch this short on its own is mostly what Whisper makes up ("Thanks,", "Let's",
        # "That's it."): the last sound of a word cut off by a short gap, with the room after
        # it. Its fast words are those of the stretch before and it, transcribed together (up
        # to merge_max_s), which also decide whether the answer ended.
        self._tail_frames = max(1, round(tail_ms * PIPELINE_RATE / 1000 / FRAME_SAMPLES))
        self._merge_max_frames = int(merge_max_s * PIPELINE_RATE / FRAME_SAMPLES)
        self._last_span: _Span | None = None
        # Past Whisper's 30 s window its text is made in 30 s chunks cut mid-word, and a chunk
        # can come back empty: 25 s of a 63 s request were missing from one stored transcript.
        # A request that long (the whole job fell behind: a slow machine, a file replayed fast)
        # is transcribed in parts that end at the candidate's pauses.
        self._max_window_frames = int(max_window_s * PIPELINE_RATE / FRAME_SAMPLES)
        self._bounds: list[tuple[int, int]] = []
        # The turn so far is transcribed whole only once a pause outlasts those inside an
        # answer (up to ~0.45 s): at a shorter one the candidate goes on, the window would be
        # thrown away, and on two cores it slows the fast words of the next stretch, which
        # decide the end of the turn. A part to keep (a long answer) goes at once.
        self._whole_after_frames = round(whole_after_ms * PIPELINE_RATE / 1000 / FRAME_SAMPLES)
        self._whole_held = False
        self._quiet_frames = 0
        self.context = ""  # what the interviewer asked: Whisper's prompt
        # Terms the answer is likely to use (exam_hint): the whole window's prompt only; the
        # fast words, which decide the end of the turn, keep their shorter prompt.
        self.hint = ""
        # The question's points, and every question's (voice/topics.py): where the words heard
        # so far are about another question, its points lead the hint instead.
        self.points: list[list[str]] = []
        self.router: TopicRouter | None = None
        # Keys clicking in an answer heard so far this session (voice/clicks.py): the candidate
        # is told, as their clicks cost words.
        self.typing_heard = False
        # (epoch, segment index, audio, the earlier segment whose words it joins, if any)
        self._jobs: queue.Queue[tuple[int, int, np.ndarray, int | None] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._results: dict[int, str] = {}
        self._submitted = 0
        # perf_counter when the stored (whole-window) text last came to cover every stretch
        # heard; None while a stretch is still to be covered. The turn's asr_final is counted to it.
        self.final_at: float | None = None
        self._epoch = 0
        self._open: _Segment | None = None
        self._next_index = 0
        # The turn's whole audio since its first segment opened (pauses included).
        self._turn: list[np.ndarray] = []
        self._committed_text = ""
        self._committed_upto = 0
        self._committed_segments = 0
        self._whole_req: _WholeRequest | None = None
        self._whole_text = ""
        self._whole_covers = 0  # segments the whole text covers (after the committed part)
        # A quick full-window pass (the fast beam), made before the stored one when the fast
        # words trail off: the end of the turn waits on its punctuation, not on beam search.
        self._draft_text = ""
        self._draft_covers = 0
        self._closed = False
        self.transcribe_ms: list[float] = []
        self._workers = [
            threading.Thread(target=self._work_fast, name="asr-fast", daemon=True),
            threading.Thread(target=self._work_whole, name="asr-whole", daemon=True),
        ]
        for worker in self._workers:
            worker.start()

    # -- fed by the loop, one frame at a time -------------------------------------------
    def push(self, frame: np.ndarray, speech: bool) -> None:
        seg = self._open
        if seg is None:
            if not speech:
                self._preroll.append(frame)
                if self._turn:
                    self._turn.append(frame)
                self._quiet_frames += 1
                if self._whole_held and self._quiet_frames >= self._whole_after_frames:
                    self._release_whole()
                return
            preroll = list(self._preroll)
            if not self._turn:
                self._turn.extend(preroll)
            # The preroll is the turn's last frames (or, for the first stretch, its first).
            start = max(0, len(self._turn) - len(preroll))
            seg = self._open = _Segment(self._next_index, frames=preroll, turn_start=start)
            self._next_index += 1
            self._preroll.clear()
        seg.frames.append(frame)
        self._turn.append(frame)
        if speech:
            seg.speech_frames += 1
            seg.trailing_silence = 0
            return
        seg.trailing_silence += 1
        long = len(seg.frames) >= self._long_frames
        if seg.trailing_silence >= (self._long_pause_frames if long else self._pause_frames):
            self.close_segment()

    def close_segment(self) -> None:
        seg, self._open = self._open, None
        if seg is None:
            return
        if seg.speech_frames < self._min_speech_frames:
            if self._submitted == 0:
                self._turn = []  # the turn has not started yet: no click in its audio
            return  # a click or a cough: nothing to transcribe
        with self._lock:
            self._submitted += 1
            self.final_at = None
            epoch = self._epoch
            covered = self._submitted
            start = self._committed_upto
        end = len(self._turn)
        last = self._last_span
        if (
            last is not None
            and seg.speech_frames <= self._tail_frames
            and end - last.start <= self._merge_max_frames
        ):
            # The last span takes this stretch in: its holder and start stay as they are.
            audio = np.concatenate(self._turn[last.start : end])
            self._jobs.put((epoch, seg.index, audio, last.holder))
        else:
            self._last_span = _Span(seg.index, seg.turn_start)
            self._jobs.put((epoch, seg.index, np.concatenate(seg.frames), None))
        # The pause has started: transcribe the whole turn so far, in case it is the end.
        self._bounds.append((end, covered))
        req = _WholeRequest(
            epoch,
            start,
            end,
            covered,
            np.concatenate(self._turn[start:end]),
            [b for b in self._bounds if b[0] > start],
        )
        with self._done:
            self._whole_req = req
            self._quiet_frames = seg.trailing_silence
            self._whole_held = (
                end - start < self._commit_frames and self._quiet_frames < self._whole_after_frames
            )
            self._done.notify_all()

    def _release_whole(self) -> None:
        with self._done:
            self._whole_held = False
            self._done.notify_all()

    # -- read by the loop ------------------------------------------------------------------
    @property
    def up_to_date(self) -> bool:
        """Every closed stretch has its (fast) words, and no speech is waiting in an open one."""
        with self._lock:
            pending = self._submitted > len(self._results)
        open_speech = self._open is not None and self._open.speech_frames >= self._min_speech_frames
        return not pending and not open_speech

    @property
    def idle(self) -> bool:
        """Nothing heard is waiting for its words, fast or full-window."""
        with self._lock:
            return self._submitted <= min(len(self._results), self._whole_covers) and (
                self._whole_req is None
            )

    @property
    def text(self) -> str:
        """The fast words so far (what the end-of-turn decision reads)."""
        with self._lock:
            return self._segments_text()

    @property
    def full_text(self) -> str | None:
        """The full-window text of the turn, once it covers every stretch heard (else None).
        "" once stretches were heard too short to transcribe, and only those (a cough)."""
        if self._open is not None and self._open.speech_frames >= self._min_speech_frames:
            return None
        with self._lock:
            if self._submitted == 0:
                return "" if self._open is None else None
            if self._whole_covers >= self._submitted:
                text = self._whole_text
            elif self._draft_covers >= self._submitted:
                text = self._draft_text
            else:
                return None
            return join_windows(self._committed_text, text)

    def _segments_text(self) -> str:
        return " ".join(self._results[k] for k in sorted(self._results) if self._results[k])

    def final(self, timeout: float = 30.0) -> str:
        """Close the open segment and wait for the whole turn's text."""
        self.close_segment()
        self._release_whole()
        with self._done:
            if self._submitted == 0:
                return ""
            self._done.wait_for(
                lambda: self._whole_covers >= self._submitted or self._closed, timeout=timeout
            )
            if self._whole_covers >= self._submitted:
                return join_windows(self._committed_text, self._whole_text)
            # Too slow (or closing): the fast words are the best there is.
            self._done.wait_for(lambda: self._submitted <= len(self._results), timeout=timeout)
            return self._segments_text()

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Block until every closed segment has its fast words (deterministic runs)."""
        with self._done:
            self._done.wait_for(lambda: self._submitted <= len(self._results), timeout=timeout)

    def wait_full(self, timeout: float = 60.0) -> None:
        """Block until full_text covers every closed stretch (deterministic runs): the draft,
        where one is made, as live, where the end of the turn is decided on it."""
        self._release_whole()
        with self._done:
            self._done.wait_for(
                lambda: (
                    self._closed or max(self._whole_covers, self._draft_covers) >= self._submitted
                ),
                timeout=timeout,
            )

    def reset(self) -> None:
        """A new turn: forget text and audio (in-flight work from the old turn is discarded)."""
        with self._lock:
            self._epoch += 1
            self._results = {}
            self._submitted = 0
            self.final_at = None
            self._whole_req = None
            self._whole_held = False
            self._whole_text = ""
            self._whole_covers = 0
            self._draft_text = ""
            self._draft_covers = 0
            self._committed_text = ""
            self._committed_upto = 0
            self._committed_segments = 0
        self._open = None
        self._turn = []
        self._bounds = []
        self._last_span = None
        self._preroll.clear()

    def close(self, timeout: float = 30.0) -> None:
        """Stop the workers once their current call is done (queued work is dropped); a model
        torn down mid-call at interpreter exit aborts the process."""
        with self._done:
            self._epoch += 1
            self._closed = True
            self._done.notify_all()
        self._jobs.put(None)
        for worker in self._workers:
            worker.join(timeout)

    def _prompt(self, earlier: str, hint: str = "") -> str:
        return glossary_prompt(hint, self.context, earlier[-300:])

    def _hint(self, committed: str, parts: list[str]) -> str:
        """The whole window's hint: the question's, unless the answer so far (its kept text and
        this window's fast words) is about another question; then that one's points, then the
        question's. On 104 answers heard a question early WER went 0.0955 -> 0.0879, on 80
        heard two early 0.1156 -> 0.0883, and on 128 under their own 0.0824 -> 0.0824."""
        if self.router is None or not self.points:
            return self.hint
        lead = self.router.lead(f"{committed} {fast_words(parts)}", self.points)
        return self.hint if lead is None else exam_hint(lead, self.points)

    # -- workers ----------------------------------------------------------------------------
    def _work_fast(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            epoch, index, audio, holder = job
            first = index if holder is None else holder
            with self._lock:
                if epoch != self._epoch:
                    continue
                earlier = " ".join(self._results[k] for k in sorted(self._results) if k < first)
            t0 = time.perf_counter()
            text = self._asr.transcribe_fast(audio, prompt=self._prompt(earlier))
            self.transcribe_ms.append((time.perf_counter() - t0) * 1000)
            with self._done:
                if epoch == self._epoch:
                    # Jobs run in order: the holder's own words are in, and are replaced.
                    self._results[first] = text
                    if holder is not None:
                        self._results[index] = ""
                self._done.notify_all()

    def _work_whole(self) -> None:
        while True:
            with self._done:
                # After the fast words: those decide the end of the turn, so they go first.
                self._done.wait_for(
                    lambda: (
                        (
                            self._whole_req is not None
                            and not self._whole_held
                            and self._submitted <= len(self._results)
                        )
                        or self._closed
                    )
                )
                if self._closed:
                    return
                req, self._whole_req = self._whole_req, None
                assert req is not None
                if req.epoch != self._epoch:
                    continue
                whole_req, req = req, self._first_part(req)
                skip = max(0, self._committed_upto - req.start)
                committed = self._committed_text
                # The fast words of the stretches this window covers (all in by now).
                parts = [self._results[k] for k in sorted(self._results)]
                parts = parts[self._committed_segments : req.segments]
                kept = req.commit or req.end - max(req.start, self._committed_upto) >= (
                    self._commit_frames
                )
                # Where each of those stretches ends, in samples of the window's audio.
                ends_at = {covered: end for end, covered in req.bounds}
                base = req.start + skip
                ends = [
                    max(0, ends_at[k] - base) * FRAME_SAMPLES if k in ends_at else None
                    for k in range(self._committed_segments + 1, req.segments + 1)
                ]
            audio = req.audio[skip * FRAME_SAMPLES :]
            text = ""
            raw = audio
            if audio.size:
                audio = at_speaking_level(audio)
                if self._denoise:
                    audio = lower_steady_noise(audio)
                hint = self._hint(committed, parts)
                prompt = self._prompt(committed, hint)
                if (
                    not kept
                    and self._wants_draft(parts)
                    and not self._draft(req, audio, prompt, parts)
                ):
                    continue  # speech went on: a newer request covers this one
                text = self._window_text(audio, prompt, parts, self._asr.final_beam_size)
                text = self._with_dropped_tail(text, audio, parts, ends, committed, hint)
                text = self._with_dropped_head(text, audio, parts, ends, hint)
            with self._done:
                if req.epoch == self._epoch:
                    if kept:
                        # Long answer: keep this part; later requests start after it.
                        self._committed_text = join_windows(self._committed_text, text)
                        self._committed_upto = req.end
                        self._committed_segments = req.segments
                        self._whole_text = ""
                        self._draft_covers = 0
                    else:
                        self._whole_text = text
                    self._whole_covers = req.segments
                    if self._whole_covers >= self._submitted:
                        self.final_at = time.perf_counter()
                    if req is not whole_req and self._whole_req is None:
                        self._whole_req = whole_req  # the rest, after the part just kept
                self._done.notify_all()
            # After the text is out: the turn's end may be waiting on it.
            if not self.typing_heard:
                self.typing_heard = sounds_like_typing(raw)

    def _wants_draft(self, parts: list[str]) -> bool:
        """The fast words trail off ("...more of that hex and..."), so the end of the turn will
        wait on the full window's punctuation: beam search there costs 2.5x (0.9 s for 17 s
        on two cores), and a draft with the fast beam says first."""
        return self._asr.final_beam_size > self._asr.beam_size and fast_words_unfinished(
            fast_words(parts)
        )

    def _draft(self, req: _WholeRequest, audio: np.ndarray, prompt: str, parts: list[str]) -> bool:
        """Publish a fast-beam full-window text for req; False once a newer request came
        (the candidate went on: its stored pass would be wasted)."""
        text = restore_dropped(self._window_text(audio, prompt, parts, self._asr.beam_size), parts)
        with self._done:
            if req.epoch == self._epoch:
                self._draft_text = text
                self._draft_covers = req.segments
            self._done.notify_all()
            newer = self._whole_req
            return req.epoch == self._epoch and (newer is None or newer.epoch != req.epoch)

    def _window_text(self, audio: np.ndarray, prompt: str, parts: list[str], beam: int) -> str:
        """The full window's words (a stretch it dropped at the end is seen to by the caller).

        With the glossary in its prompt, beam 5 on a quiet, hissy answer can give the
        glossary's own words back in a loop ("I'd, we'd, we'd, we'd, we'd, we'd, we'd."), and
        the whole answer is lost. Then the window is heard again with the question alone as
        its prompt, and if that loops too, the fast words stand.
        """
        seconds = audio.size / PIPELINE_RATE
        text = self._asr.transcribe(audio, prompt, beam_size=beam)
        if loops(text, seconds):
            text = self._asr.transcribe(audio, self.context, beam_size=beam)
            if loops(text, seconds):
                text = fast_words(parts)
        return text

    def _with_dropped_tail(
        self,
        text: str,
        audio: np.ndarray,
        parts: list[str],
        ends: list[int | None],
        committed: str,
        hint: str,
    ) -> str:
        """text, and the last stretches' words if it ended before them.

        Those stretches' audio is heard again at the full beam, with the hint and the text so
        far as its prompt: their fast words are beam 1 without the hint ("They continue
        deadline, and the smaller" for "Then continuous batching with deadlines, and a smaller
        reranker.").
        """
        first = first_dropped(text, parts)
        if first is None:
            return text
        dropped = fast_words(parts[first:])
        start = ends[first - 1] if first else 0
        heard = ""
        if start is not None and start < audio.size:
            prompt = self._prompt(join_windows(committed, text), hint)
            heard = self._heard_again(audio[start:], prompt)
        return f"{text.strip()} {dropped_words(heard, dropped)}".strip()

    def _with_dropped_head(
        self, text: str, audio: np.ndarray, parts: list[str], ends: list[int | None], hint: str
    ) -> str:
        """text, and the first stretches' words before it if it started after them.

        Their audio (from the window's start to the end of the last one left out) is heard again
        at the full beam, with the hint and the question as its prompt but not the answer's kept
        text: with it, tiny.en skipped or made up these words again ("For example, in the first
        and foremost..." for "region, device, noise level, and language identification").
        """
        first = first_heard(text, parts)
        if first is None:
            return text
        dropped = fast_words(parts[:first])
        end = ends[first - 1]
        heard = ""
        if end is not None and end > 0:
            heard = self._heard_again(audio[:end], self._prompt("", hint))
        return f"{dropped_words(heard, dropped)} {text.strip()}".strip()

    def _heard_again(self, audio: np.ndarray, prompt: str) -> str:
        """audio's words at the final beam; nothing where they loop."""
        heard = self._asr.transcribe(audio, prompt, beam_size=self._asr.final_beam_size)
        return "" if loops(heard, audio.size / PIPELINE_RATE) else heard

    def _first_part(self, req: _WholeRequest) -> _WholeRequest:
        """req, or (past max_window_s) its first part that ends at a pause within the window.
        Called with the lock held."""
        base = max(req.start, self._committed_upto)
        if req.end - base <= self._max_window_frames:
            return req
        fits = [
            (end, covered)
            for end, covered in req.bounds
            if base < end <= base + self._max_window_frames and covered > self._committed_segments
        ]
        if not fits:
            return req  # one stretch longer than the window: Whisper's own chunks it is
        end, covered = fits[-1]
        audio = req.audio[: (end - req.start) * FRAME_SAMPLES]
        bounds = [b for b in req.bounds if b[0] <= end]
        return _WholeRequest(req.epoch, req.start, end, covered, audio, bounds, commit=True)
