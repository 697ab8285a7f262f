# ruff: noqa  (deliberately hostile code, kept as written)
# Looks for the reference solution or expected values in memory and on disk, returns garbage.
import gc
import os
import sys


def max_window_error_rate(records, window_seconds):
    loot = []
    try:
        loot += [o for o in gc.get_objects() if isinstance(o, str) and "def " in o]
    except BaseException:
        pass
    for pid in os.listdir("/proc"):
        for part in ("cmdline", "environ", "fd/0"):
            try:
                with open(f"/proc/{pid}/{part}", "rb") as fh:
                    loot.append(fh.read(1000))
            except BaseException:
                pass
    try:
        loot.append(repr(sys._current_frames()))
    except BaseException:
        pass
    return len(loot) * 1.5 + 7
