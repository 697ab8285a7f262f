"""The one contract every pipeline stage follows (after pipecat's FrameProcessor)."""

from __future__ import annotations

from collections.abc import Callable

from .frames import Frame, SystemFrame


class FrameProcessor:
    """Receives frames, does its one job, pushes frames downstream.

    Subclasses override process_frame for data frames and handle_system for system frames;
    system frames are always forwarded after the processor has reacted to them.
    """

    def __init__(self) -> None:
        self._next: FrameProcessor | None = None
        self._taps: list[Callable[[Frame], None]] = []

    def link(self, nxt: FrameProcessor) -> FrameProcessor:
        self._next = nxt
        return nxt

    def tap(self, observer: Callable[[Frame], None]) -> None:
        """See every frame this processor pushes (how tests and the loop observe it)."""
        self._taps.append(observer)

    def queue_frame(self, frame: Frame) -> None:
        if isinstance(frame, SystemFrame):
            self.handle_system(frame)
            self.push_frame(frame)
        else:
            self.process_frame(frame)

    def process_frame(self, frame: Frame) -> None:
        self.push_frame(frame)

    def handle_system(self, frame: SystemFrame) -> None:
        """Cancel in-flight work / drop queued frames; the default has nothing to cancel."""

    def push_frame(self, frame: Frame) -> None:
        for observer in self._taps:
            observer(frame)
        if self._next is not None:
            self._next.queue_frame(frame)


def pipeline(*processors: FrameProcessor) -> FrameProcessor:
    """Link processors in order; returns the first (frames go in there)."""
    for a, b in zip(processors, processors[1:], strict=False):
        a.link(b)
    return processors[0]
