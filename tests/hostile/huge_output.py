# ruff: noqa  (deliberately hostile code, kept as written)
# Hundreds of MiB on stdout and stderr, then a plausible answer.
import sys

CHUNK = "x" * (1024 * 1024)


def max_window_error_rate(records, window_seconds):
    for _ in range(300):
        sys.stdout.write(CHUNK)
        sys.stderr.write(CHUNK)
    return 0.0
