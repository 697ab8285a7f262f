# ruff: noqa  (deliberately hostile code, kept as written)
# Runs a shell and a second interpreter to escape the harness.
import subprocess
import sys


def max_window_error_rate(records, window_seconds):
    for cmd in (
        ["/bin/sh", "-c", "echo pwned > /tmp/__MARK__"],
        [sys.executable, "-c", "print(1)"],
    ):
        try:
            subprocess.run(cmd, timeout=5)
        except BaseException:
            pass
    return 3.0
