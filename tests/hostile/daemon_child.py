# ruff: noqa  (deliberately hostile code, kept as written)
# Leaves a daemon behind: double fork + setsid, the grandchild sleeps "forever".
import os
import time


def max_window_error_rate(records, window_seconds):
    try:
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(3600)
            os._exit(0)
    except BaseException:
        pass
    return 2.0
