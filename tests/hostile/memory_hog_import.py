# ruff: noqa  (deliberately hostile code, kept as written)
# Memory hog at import time: 64 GiB in one go.
HOG = bytearray(64 * 1024 * 1024 * 1024)


def max_window_error_rate(records, window_seconds):
    return 0.0
