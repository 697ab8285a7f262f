# ruff: noqa  (deliberately hostile code, kept as written)
# Infinite loop in the call, ignoring signals it can ignore.
import signal

for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU):
    try:
        signal.signal(sig, signal.SIG_IGN)
    except Exception:
        pass


def max_window_error_rate(records, window_seconds):
    n = 0
    while True:
        n += 1
