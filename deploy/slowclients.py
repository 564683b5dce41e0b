"""Slow clients against a server: do they delay everyone else?

``--connections`` sockets each send a request line and then one header byte every
``--interval`` seconds, never finishing the headers, for ``--duration`` seconds (a socket
the server closes is opened again, so the pressure stays on). Meanwhile one ordinary
visitor asks for ``--path`` again and again. Prints the visitor's latency before and during.

    python -m deploy.slowclients --url http://127.0.0.1:8080 --duration 30   # through nginx
    python -m deploy.slowclients --url http://127.0.0.1:8081 --duration 30   # gunicorn alone
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Latencies:
    seconds: list[float] = field(default_factory=list)
    failures: int = 0

    def percentile(self, p: float) -> float:
        if not self.seconds:
            return float("nan")
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def summary(self) -> str:
        return (
            f"{len(self.seconds)} requests, {self.failures} failed, "
            f"p50 {self.percentile(50) * 1000:.1f} ms, p99 {self.percentile(99) * 1000:.1f} ms, "
            f"max {max(self.seconds, default=float('nan')) * 1000:.1f} ms"
        )


def visit(url: str, duration: float, *, timeout: float = 60) -> Latencies:
    """One visitor asking for ``url`` back to back for ``duration`` seconds."""
    result = Latencies()
    end = time.monotonic() + duration
    while time.monotonic() < end:
        start = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                response.read()
                ok = response.status == 200
        except (urllib.error.URLError, OSError):
            ok = False
        if ok:
            result.seconds.append(time.monotonic() - start)
        else:
            result.failures += 1
        time.sleep(0.02)
    return result


def _trickle(host: str, port: int, stop: threading.Event, interval: float, opened: list) -> None:
    while not stop.is_set():
        try:
            with socket.create_connection((host, port), timeout=5) as sock:
                opened.append(1)
                sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\n".encode())
                while not stop.wait(interval):
                    sock.sendall(b"X")  # one byte of a header that never ends
        except OSError:
            # The server gave up on us (nginx's client_header_timeout): come back.
            stop.wait(0.1)


def slow_clients(
    url: str, *, connections: int, duration: float, interval: float = 1.0, path: str = "/"
) -> tuple[Latencies, Latencies, int]:
    """(latencies before, latencies during, sockets opened) for one run."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    target = url.rstrip("/") + path
    before = visit(target, min(3.0, duration))
    stop = threading.Event()
    opened: list[int] = []
    threads = [
        threading.Thread(target=_trickle, args=(host, port, stop, interval, opened), daemon=True)
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    time.sleep(min(1.0, duration / 4))  # let them all connect and start trickling
    during = visit(target, duration)
    stop.set()
    for thread in threads:
        thread.join(timeout=interval + 6)
    return before, during, len(opened)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--path", default="/certifications/")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args()
    before, during, opened = slow_clients(
        args.url,
        connections=args.connections,
        duration=args.duration,
        interval=args.interval,
        path=args.path,
    )
    print(f"before: {before.summary()}")
    print(f"during {args.connections} slow clients ({opened} sockets opened): {during.summary()}")


if __name__ == "__main__":
    main()
