"""What one microphone frame says of the candidate, from Silero's probability and its level.

Two gates judge it together: SpeechGate (Silero's probability, eased for a quiet voice that
stands clear of the room's quiet moments) and, where on, the NearTalkerGate (the candidate's own
level against other voices, music, a loudspeaker's echo). The verdict is what the turn taker and
the ASR act on; keeping it apart from the audio loop lets the rules be tested on levels and
probabilities alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from .audio import FRAME_SAMPLES, PIPELINE_RATE
from .config import VoiceConfig
from .near_talker import NearTalkerGate, RoomRules
from .vad import SpeechGate

FRAME_MS = FRAME_SAMPLES * 1000 // PIPELINE_RATE  # 32


@dataclass(frozen=True)
class FrameVerdict:
    voice: bool  # the gates hear the candidate (the room has not been quiet)
    speech: bool  # what the turn taker hears: voice, but inside a turn not at the room's level
    sure: bool  # speech Silero is sure of at its threshold (what the ASR cuts its windows by)
    # Not speech, not quiet: a paused interviewer waits through it for the word after.
    sound: bool


# In a turn, a pause this long (or more) before speech far under the candidate's own level
# makes that speech a breath, a sigh or a lip noise until a frame near their level comes.
BREATH_AFTER_FRAMES = 7  # 224 ms: longer than the gaps between words


class FrameJudge:
    def __init__(self, gate: SpeechGate, near: NearTalkerGate | None = None) -> None:
        self.gate = gate
        self.near = near
        self._quiet_in_turn = 0  # frames since the turn's last speech

    @classmethod
    def for_config(cls, config: VoiceConfig) -> FrameJudge:
        near = None
        if config.ignore_background_talk:
            rules = RoomRules(
                margin_db=config.background_talk_margin_db,
                # Fewer frames than a barge-in needs: a far voice's onset cannot cut in.
                onset_grace_frames=max(0, (config.min_barge_in_ms - 1) // FRAME_MS),
            )
            near = NearTalkerGate(rules)
        return cls(SpeechGate(config.vad_threshold), near)

    @property
    def hears_other_voices(self) -> bool:
        return self.near is not None and self.near.busy

    def judge(
        self,
        prob: float,
        level_db: float,
        *,
        in_turn: bool,
        playing: bool = False,
        echoed: bool = False,
        loud_echo: bool = False,
        floor_free: bool = False,
    ) -> FrameVerdict:
        """playing: a loudspeaker may be echoing the interviewer into the frame; echoed: the
        frame is only that echo (prob is then 0), and says nothing of the room's quiet moments;
        loud_echo: an echo too loud to tell the room's level by; floor_free: the interviewer is
        silent and no turn is under way (a frame heard as the candidate's starts one)."""
        gate = self.gate
        # A quiet voice's onset is eased only for the start of a turn (it is what stops the
        # interviewer; inside a turn it would change nothing heard) and only where nothing else
        # stands over the room's quiet moments: no other voices in it, no loudspeaker echo (an
        # echo frame says nothing of them).
        voice = gate.update(
            prob,
            None if echoed else level_db,
            lenient=not (in_turn or playing or self.hears_other_voices),
        )
        if self.near is not None:
            voice = self.near.update(
                level_db,
                voice,
                in_turn=in_turn,
                echo=loud_echo,
                may_echo=playing,
                floor_free=floor_free,
            )
        # Inside a turn, a frame no louder than the room is silence, though Silero's memory
        # still calls it speech: the pause that ends a turn (and closes the ASR's stretch)
        # counts from the last word, not ~100 ms after it.
        speech = self._not_a_breath(voice and not (in_turn and gate.at_room), in_turn)
        # What Silero is sure of at its threshold, of the speech (what the ASR cuts windows by).
        sure = speech and gate.sure
        # A frame standing clear of the room that the VAD doubts, or one Silero hears a voice in
        # that the near-talker gate set aside (far under the candidate's level, or too near the
        # room's: a soft syllable under music), is not the quiet after a cough: a paused
        # interviewer waits through it (up to TurnPolicy.backchannel_hold_ms) rather than
        # resuming over the word after.
        sound = gate.clear or (gate.speaking and not speech)
        return FrameVerdict(bool(voice), bool(speech), bool(sure), bool(sound))

    def _not_a_breath(self, speech: bool, in_turn: bool) -> bool:
        """speech, less a breath after a pause in the turn. Close to the microphone, the breath
        out after the answer's last word is speech to Silero (0.6) for a few frames, 10-15 dB
        under the voice: the end of speech, and the "Okay.", moved 0.4 s later. Held until a
        frame near the candidate's level comes, it is the pause it falls in, for the ASR too
        (live, the end of the turn waited for a breath's words; a word's soft onset is in
        the preroll of the stretch its first near frame opens)."""
        if not in_turn or self.near is None:
            self._quiet_in_turn = 0
            return speech
        if speech and self.near.far and self._quiet_in_turn >= BREATH_AFTER_FRAMES:
            speech = False
        self._quiet_in_turn = 0 if speech else self._quiet_in_turn + 1
        return speech
