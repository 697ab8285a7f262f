# ruff: noqa  (deliberately hostile code, kept as written)
# Writes to /tmp (which the sandbox discards), then answers correctly.
from collections import deque


def max_window_error_rate(records, window_seconds):
    try:
        with open("/tmp/__MARK__", "w") as fh:
            fh.write("escaped")
    except BaseException:
        pass
    window, failures, best = deque(), 0, 0.0
    for ts, ok in records:
        window.append((ts, ok))
        failures += not ok
        while ts - window[0][0] > window_seconds:
            failures -= not window.popleft()[1]
        best = max(best, failures / len(window))
    return best
