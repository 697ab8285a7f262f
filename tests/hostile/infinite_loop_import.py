# ruff: noqa  (deliberately hostile code, kept as written)
# Infinite loop at import time.
while True:
    pass


def max_window_error_rate(records, window_seconds):
    return 0.0
