# ruff: noqa  (deliberately hostile code, kept as written)
# atexit + os._exit(0): tries to end "successfully" before any result is written.
import atexit
import os
import sys

atexit.register(lambda: os._exit(0))
sys.excepthook = lambda *a: os._exit(0)


def max_window_error_rate(records, window_seconds):
    print("All tests passed.")
    os._exit(0)
