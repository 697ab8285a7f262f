"""Other people talking in the room are not the candidate: keep the speech that stands out.

Silero calls any voice speech. In a café or an open office, background talkers would barge in
on the interviewer and keep a turn from ever ending (the "silence" after the answer is full of
their speech). The candidate, at the microphone, is louder than they are. So once the room is
heard to hold speech of its own, a speech frame counts as the candidate's only when it is
margin_db above the room's level (to take the floor), or just above it during their turn
(their weaker words), or follows such a frame closely (the weak syllables between loud ones).
In a quiet room, or in steady noise (fans, hum, hiss: never speech to Silero), the VAD alone
judges after the first two seconds, with one exception: once the candidate's own level is known
from their answers, voices far under it (a café filling up after a quiet start) neither take the
floor nor keep a turn going, so the room can be heard to hold them. Within a turn, "far under"
is measured from the lower of that level and the turn's own (an answer spoken softer throughout
is still theirs, and in a room with no other voices a turn's first words are near); past half
a second after the candidate's last word near their level, other voices' peaks over the room's
bar no longer count as theirs (else they ran the turn on).
Until the candidate's level is known, speech standing far above the room's quiet moments is
someone at the microphone: a candidate who talks before the interviewer has said anything is not
taken for the room (its level would be theirs, and no word of theirs could clear it). One who
talks from the very first moment leaves no quiet moments to measure: the lowest tenth of all
that is heard stands in for them, with a wider margin, and the room's frames they already filled
are forgotten.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from .levels import RecentLevel


@dataclass(frozen=True)
class RoomRules:
    margin_db: float = 5.0  # above the room's level, to take the floor
    # Once the candidate has the floor, speech just above the room's level is still theirs:
    # an answer is not cut off at its quieter words (a gap that long ends a turn).
    keep_margin_db: float = 2.0
    window_frames: int = 200  # 6.4 s of 32 ms frames
    percentile: float = 90.0
    busy_fraction: float = 0.2
    # A second of the room before a share of speech in it means anything: a candidate who
    # starts at once leaves only their first moments' noise in it, and a few of their soft
    # syllables (heard as the room's) were a fifth of that.
    busy_min_frames: int = 32
    # Silero hears far-off voices only now and then (1-2% of frames, for seconds): once busy,
    # the room stays so until none of it has been speech for a whole window.
    quiet_fraction: float = 0.005
    hangover_frames: int = 6
    min_frames: int = 8  # a quarter second of the room before its level means anything
    # Silero takes a moment to call voices far off speech: for this long from the start,
    # anything not above the room's level is taken for it, voices or not.
    settle_frames: int = 64
    # Past this, a room still not heard (its own voice echoing without a break) sets no bar.
    patience_frames: int = 200
    # The candidate's voice: a high percentile of their speech in their turns. Until the room
    # is heard to hold voices, speech this far under it is someone farther off: it does not
    # take the floor, and in a turn it is the candidate's only within near_recency_frames of
    # speech that was not (a soft word between loud ones; not a café talking on after them).
    far_db: float = 10.0
    voice_frames: int = 600  # about 19 s of the candidate's speech
    voice_min_frames: int = 60  # two seconds of it before their level means anything
    near_recency_frames: int = 47  # 1.5 s
    # Other voices cross the room's bar now and then: after the candidate's last near frame,
    # only this long is theirs (a soft tail, the onset after a pause) in a room known to hold
    # voices, or at the room's own level in one not (the VAD calls far voices speech only
    # at times).
    busy_recency_frames: int = 16  # 0.5 s
    # A candidate who sits back or speaks up less in one answer (or another voice reads it) is
    # still the one at the microphone: once a turn has this much of their speech, its own level
    # sets the bar when that is lower (else a whole answer 14 dB down was the room's by 1.5 s).
    turn_min_frames: int = 31  # 1 s
    # Silero's first frames of a word can come before its energy rises: the first of a run
    # are let through (a barge-in stops the interviewer at once), but no voice far under the
    # candidate's can take the floor, which needs min_barge_in_ms (three frames).
    onset_grace_frames: int = 2
    # Before the candidate's voice is known: speech this far above the room's quiet moments is
    # someone at the microphone, whatever the room was heard to hold (the voices of a café fill
    # its gaps: their speech stood at most 7 dB above them, a candidate's 17-25 dB).
    near_contrast_db: float = 12.0
    floor_frames: int = 100  # the room's quiet moments: the median of these non-speech frames
    # A candidate talking from the first moment leaves no quiet moments to measure: until there
    # are, the lowest tenth of every frame heard stands in for them, with a wider margin (the
    # gaps between one near talker's syllables are deep; a café's voices fill each other's:
    # on 8 recordings none of its speech stood 13 dB over that tenth, a candidate's 22-28 dB).
    early_contrast_db: float = 16.0
    early_percentile: float = 10.0
    onset_frames: int = 16  # half a second
    # Outside their turn, speech judged theirs and this near their level is not heard as the
    # room's: it is the candidate talking on over the interviewer (an answer cut short in a loud
    # café). Learned as the room's, it raised its level to theirs (-26 to -18 dB in 40 s, theirs
    # -17), and not one word of theirs took the floor again. A café filling up still raises it:
    # its frames under this are the room's, and lift its level out of their reach.
    theirs_db: float = 6.0


class _Hangover:
    """A frame over the bar passes, and so do the next few under it (the softer syllables
    between a voice's louder ones); a frame with no speech ends it."""

    def __init__(self, frames: int) -> None:
        self._frames = frames
        self._left = 0

    def reset(self) -> None:
        self._left = 0

    def passes(self, over_the_bar: bool) -> bool:
        if over_the_bar:
            self._left = self._frames
            return True
        if self._left > 0:
            self._left -= 1
            return True
        return False


class NearTalkerGate:
    """Pure logic on (level, VAD verdict, whose frame) per frame; no clock, no audio.

    The room is heard in frames outside the candidate's turns, except those that are the
    interviewer's own voice at an audible level (on headphones, none are) and those judged the
    candidate's near their own level (RoomRules.theirs_db). Its level is a high
    percentile of those over the last window_frames; it holds voices once at least
    busy_fraction of them were speech to the VAD, until under quiet_fraction are.
    """

    def __init__(self, rules: RoomRules | None = None) -> None:
        self.rules = r = rules or RoomRules()
        self._levels: deque[float] = deque(maxlen=r.window_frames)
        self._speech: deque[bool] = deque(maxlen=r.window_frames)
        self._room_db: float | None = None
        self._busy = False
        self._busy_before_voice = False  # the room held voices before the candidate's was known
        self._hangover = _Hangover(r.hangover_frames)
        self._since_update = 0
        self._frames = 0
        self._voice = RecentLevel(r.voice_frames, r.voice_min_frames, r.percentile)
        self._since_near = r.near_recency_frames + 1  # speech frames since one near theirs
        # All frames since then, silence too: a café's voices a second after the answer are
        # no soft tail of it, though only a few speech frames came between.
        self._frames_since_near = r.near_recency_frames + 1
        self._run = 0  # speech frames in a row
        self._near_run = 0  # speech frames in a row near the candidate's level
        self._turn = RecentLevel(r.voice_frames, r.turn_min_frames, r.percentile)  # this turn's
        self._was_in_turn = False
        self._floor = RecentLevel(r.floor_frames, r.min_frames, 50.0)
        self._early_floor = RecentLevel(r.floor_frames, r.min_frames, r.early_percentile)
        self._early_low = np.inf
        self._room_run = 0  # speech frames in a row last heard as the room's
        self._forgotten_over = np.inf  # the lowest bar the room's frames were checked at
        self._near_hangover = _Hangover(r.hangover_frames)  # a near talker's, before their level
        # The last frame was speech far under the candidate's known level (a breath, a sigh).
        self.far = False

    @property
    def busy(self) -> bool:
        """The room holds other voices: only speech above them is the candidate's."""
        return self._busy

    @property
    def voices_came_after_theirs(self) -> bool:
        """The room is heard to hold voices, and did not before the candidate's own level was
        known: people who came in, or the candidate, farther from the microphone than then."""
        return self._busy and not self._busy_before_voice

    @property
    def room_db(self) -> float | None:
        """The room's level (a high percentile of what it has sounded like), once known."""
        return self._room_db

    @property
    def voice_db(self) -> float | None:
        """The candidate's level (a high percentile of their speech in turns), once known."""
        return self._voice.db

    def update(
        self,
        level_db: float,
        speech: bool,
        *,
        in_turn: bool,
        echo: bool = False,
        may_echo: bool = False,
        floor_free: bool = False,
    ) -> bool:
        """Whether this frame is the candidate speaking. in_turn: the candidate has the floor;
        echo: the frame is the interviewer's own voice, come back through a loudspeaker;
        may_echo: the interviewer is playing on a loudspeaker (echo not caught may be in it);
        floor_free: no one has it (the interviewer silent, no turn under way): one frame
        judged theirs starts a turn."""
        mine, at_mic = self._verdict(
            level_db, speech, in_turn=in_turn, echo=echo, may_echo=may_echo, floor_free=floor_free
        )
        # Heard once judged: the candidate's own words near their level are not the room's.
        if not in_turn and not echo and not at_mic and not (mine and self._near_theirs(level_db)):
            self._hear_room(level_db, speech)
            self._room_run += speech
        return mine

    def _verdict(
        self,
        level_db: float,
        speech: bool,
        *,
        in_turn: bool,
        echo: bool,
        may_echo: bool,
        floor_free: bool,
    ) -> tuple[bool, bool]:
        self._frames += 1
        self._frames_since_near += 1
        if in_turn and not self._was_in_turn:
            self._turn.reset()
            if not self._busy:
                # In a room with no other voices the floor is theirs: its first words are near,
                # whatever came since their last answer (else an answer begun sitting back 14-16
                # dB used up the words allowed far under their level before its own was learned,
                # and was taken for someone farther off 1.5 s in).
                self._since_near = 0
                self._frames_since_near = 0
        self._was_in_turn = in_turn
        at_mic = self._at_the_microphone(level_db, speech, echo=echo or may_echo)
        if at_mic and 0 < self._room_run <= self.rules.onset_frames:
            # A run of speech that reaches the bar soon was theirs from its first frame (not one
            # that ran on for longer: the voices of a café before the candidate's).
            self._forget_last_room_frames(self._room_run)
        if not speech:
            self._room_run = 0
        self.far = False
        if not speech:
            self._hangover.reset()
            self._run = 0
            self._near_run = 0
            return False, at_mic
        self._run += 1
        if self._voice.db is not None:
            near = level_db >= self._near_reference(in_turn) - self.rules.far_db
            if (
                self._busy
                and self._room_db is not None
                and self._frames_since_near >= self.rules.busy_recency_frames
            ):
                # A loud café's peaks come within far_db of the candidate's voice: once nothing
                # near has been heard for a moment, near means over the voices too (else each
                # peak let the next second of them run the turn on). Their soft words straight
                # after loud ones (as soft as the voices' peaks) still are theirs.
                near = near and level_db >= self._room_db + self.rules.margin_db
            self._near_run = self._near_run + 1 if near else 0
            if near and self._lone_peak(level_db, in_turn):
                # One frame of a café's voices within far_db of the candidate's, after their
                # last word: only a second one in a row is them going on. It still keeps the
                # moment open for their soft words, as near frames do.
                self._frames_since_near = 0
                self.far = True
                return False, at_mic
            self._since_near = 0 if near else self._since_near + 1
            if near:
                self._frames_since_near = 0
            self.far = not near
        mine = at_mic or self._judge(level_db, in_turn=in_turn, floor_free=floor_free)
        if in_turn and mine and not echo:
            self._turn.hear(level_db)
        if in_turn:
            if self._voice.db is None or self._since_near <= self.rules.hangover_frames:
                if mine:
                    self._voice.hear(level_db)
            elif not mine and not echo and self._room_db is not None and level_db >= self._room_db:
                # Speech far under theirs, long past their last near word: the room's, heard as
                # such now, not only once they stop (a café filling up during an answer). Not
                # before the room has been heard on its own: from a candidate who talked from the
                # first moment, these are the tails of their words. Nor under the room's level:
                # their soft syllables there are not its voices (it was then taken to hold some).
                self._hear_room(level_db, speech)
        return mine, at_mic

    def _near_theirs(self, level_db: float) -> bool:
        """Within theirs_db of the candidate's known level (the room's own level known too)."""
        voice = self._voice.db
        return (
            voice is not None
            and self._room_db is not None
            and level_db >= voice - self.rules.theirs_db
        )

    def _lone_peak(self, level_db: float, in_turn: bool) -> bool:
        """A first near frame after a break in the candidate's speech, in a room holding other
        voices, and not over them by the margin: a peak of theirs as likely as the candidate's
        next word."""
        r = self.rules
        return (
            self._busy
            and in_turn
            and self._near_run == 1
            and self._frames_since_near > r.hangover_frames
            and self._room_db is not None
            and level_db < self._room_db + r.margin_db
        )

    def _at_the_microphone(self, level_db: float, speech: bool, *, echo: bool) -> bool:
        """Before the candidate's voice is known: speech standing near_contrast_db above the
        room's quiet moments (and the weaker syllables right after it). A candidate who starts
        before the interviewer does is heard, not taken for the room."""
        if self._voice.db is not None:
            return False  # known for good: the floor is no longer needed
        if not echo:
            if self._floor.db is None:  # only stands in until the quiet moments are known
                self._early_floor.hear(level_db)
            if not speech:
                self._floor.hear(level_db)
        bar = self._contrast_bar()
        if not speech or echo or bar is None:
            self._near_hangover.reset()
            return False
        if self._room_db is not None and self._room_sets_the_bar:
            # A café's voices fill its gaps but not always: where they pause, the quiet moments
            # are the hiss under them, and their peaks stood 12-13 dB over it (0.6 s of "It's so
            # bad" took the floor in the opening). Someone at the microphone stands over the
            # voices themselves, as it must to take the floor from them later.
            bar = max(bar, self._room_db + self.rules.margin_db)
        return self._near_hangover.passes(level_db >= bar)

    def _contrast_bar(self) -> float | None:
        """The level that marks someone at the microphone, before their voice is known."""
        r = self.rules
        if self._floor.db is not None:
            bar = self._floor.db + r.near_contrast_db
        elif self._early_floor.db is not None:
            # The lowest it has been: a candidate talking on fills the frames it is taken from.
            low = self._early_low = min(self._early_low, self._early_floor.db)
            bar = low + r.early_contrast_db
        else:
            return None
        if bar < self._forgotten_over:
            # The moments before it was known (or this low) went to the room: speech over the
            # bar among them was the candidate's (else their level is the room's, and no word
            # of theirs clears it).
            self._forgotten_over = bar
            self._forget_room_speech_over(bar)
        return bar

    def _forget_last_room_frames(self, n: int) -> None:
        self._room_run = 0
        for _ in range(min(n, len(self._levels))):
            self._levels.pop()
            self._speech.pop()
        self._room_frames_changed()

    def _forget_room_speech_over(self, bar: float) -> None:
        kept = [
            (lv, sp)
            for lv, sp in zip(self._levels, self._speech, strict=True)
            if not (sp and lv >= bar)
        ]
        if len(kept) < len(self._levels):
            self._levels = deque((lv for lv, _ in kept), maxlen=self.rules.window_frames)
            self._speech = deque((sp for _, sp in kept), maxlen=self.rules.window_frames)
            self._room_frames_changed()

    def _room_frames_changed(self) -> None:
        """The room's level and busyness, taken again from the frames now kept."""
        self._busy = False
        self._room_db = None
        if len(self._levels) >= self.rules.min_frames:
            self._update_room()

    def _judge(self, level_db: float, *, in_turn: bool, floor_free: bool = False) -> bool:
        r = self.rules
        room = self._room_db
        if in_turn and self._voice.db is not None and self._far_past_near(level_db, room):
            # Their softer words come between louder ones; a café talking on after them does not.
            self._hangover.reset()
            return False
        if room is None:
            if self._voice.db is not None:
                # The room not heard yet (the candidate talked from the start, with hardly a
                # pause): speech near their level is theirs.
                bar = self._voice.db - r.far_db
            elif self._frames <= r.patience_frames:
                # Not heard yet: the very start, or on a loudspeaker the moments between
                # the interviewer's words, until there is a quarter second of them.
                return False
            else:
                bar = None
        elif self._room_sets_the_bar:
            # In their turn, their softer words just above the room; past their last word near
            # their level, the room's own peaks reach that, so the full margin again.
            soft = in_turn and (self._voice.db is None or self._since_near <= r.hangover_frames)
            bar = room + (r.keep_margin_db if soft else r.margin_db)
            if self._voice.db is not None and not in_turn:
                # While the room's level is still rising to theirs (it lags, learned over
                # seconds), the peaks of newly heard voices are not near enough to take the floor.
                bar = max(bar, self._voice.db - r.far_db)
        elif self._voice.db is not None and not in_turn:
            # A quiet room: far-off voices (a café filling up) do not take the floor, so the
            # room is heard to hold them before they can.
            # An onset's first frames and a lone peak pass to make a barge-in instant, and
            # min_barge_in_ms keeps a far voice's onset from cutting in. With the floor free
            # one frame starts a turn, and a turn begun is theirs: there they must stand clear
            # of the room. Voices the VAD only sometimes calls speech, at the room's own level,
            # took the floor in the moment between two pieces of a reply (their words went in
            # front of the next answer); a soft onset of the candidate's waits a frame or two,
            # its sound kept in the ASR's preroll.
            may_start = not floor_free or level_db >= room + r.margin_db
            if self._since_near >= self._run and self._run <= r.onset_grace_frames:
                return may_start
            bar = self._voice.db - r.far_db
            if self._near_run == 1:
                # One peak of three talkers reaches the bar now and then: it passes, but only a
                # second near frame in a row starts the hangover that carries the softer ones
                # (else a lone peak became a barge-in: peak plus hangover made three frames).
                return may_start
        else:
            # A quiet room or steady noise: the VAD alone judges (Silero's first speech frame
            # can come before the voice's energy rises; a bar would cut an "Okay." a frame late).
            bar = None
        return self._hangover.passes(bar is None or level_db >= bar)

    @property
    def _room_sets_the_bar(self) -> bool:
        """Speech must stand over the room's level: it holds voices, or it is still settling
        (Silero takes a moment to call far-off voices speech)."""
        return self._busy or self._frames <= self.rules.settle_frames

    def _far_past_near(self, level_db: float, room: float | None) -> bool:
        """Speech far under the candidate's, too long after their last near frame to be theirs.

        In a busy room, anything past a short tail, counted in time. In a quiet one, 1.5 s; speech
        no louder than the room (voices the VAD only sometimes calls speech, or a café not yet
        known as one), past that short tail in time; speech under the room, past a hangover."""
        r = self.rules
        if self._since_near > r.near_recency_frames:
            return True
        if self._busy:
            # Counted in all frames: the answer's end, then a gap, and what the café says next
            # is not theirs (in speech frames alone it was still their tail, 1.2 s on).
            return self._frames_since_near > r.busy_recency_frames
        if room is None:
            return False
        # Speech no louder than the room, too: the room may hold voices not yet known (heard
        # for a moment before the candidate started), and they speak on after the answer.
        # Under the room's level nothing of the candidate's is heard past a hangover's length.
        if level_db < room:
            return self._since_near > r.hangover_frames
        return (
            level_db < room + r.keep_margin_db and self._frames_since_near > r.busy_recency_frames
        )

    def _near_reference(self, in_turn: bool) -> float:
        """The candidate's level that 'near' is measured from (their voice, or this turn's).

        Only in a room not known to hold voices: in one that does, the turn's level takes in
        their speech between the candidate's words, and would let it count as near."""
        assert self._voice.db is not None
        if in_turn and self._turn.db is not None and not self._busy:
            return min(self._voice.db, self._turn.db)
        return self._voice.db

    def _hear_room(self, level_db: float, speech: bool) -> None:
        self._levels.append(level_db)
        self._speech.append(speech)
        self._since_update += 1
        # A percentile over a few seconds need not be taken on every frame once settled.
        if len(self._levels) < self.rules.min_frames or (
            self._frames > self.rules.settle_frames and self._since_update < 4
        ):
            return
        self._update_room()

    def _update_room(self) -> None:
        self._since_update = 0
        share = sum(self._speech) / len(self._speech)
        self._busy = len(self._speech) >= self.rules.busy_min_frames and share >= (
            self.rules.quiet_fraction if self._busy else self.rules.busy_fraction
        )
        self._room_db = float(np.percentile(self._levels, self.rules.percentile))
        if self._busy and self._voice.db is None:
            self._busy_before_voice = True
