# ruff: noqa  (deliberately hostile code, kept as written)
# Memory hog: grows a list of large byte strings until something gives.
def max_window_error_rate(records, window_seconds):
    hog = []
    while True:
        hog.append(bytearray(50 * 1024 * 1024))
