# ruff: noqa  (deliberately hostile code, kept as written)
# Network access: a TCP connection to a listener on the host, and to the internet.
import socket


def max_window_error_rate(records, window_seconds):
    for host, port in (("127.0.0.1", __PORT__), ("1.1.1.1", 53), ("10.0.0.1", 80)):
        try:
            with socket.create_connection((host, port), timeout=1) as sock:
                sock.sendall(b"__MARK__ escaped\n")
        except BaseException:
            pass
    return 0.0
