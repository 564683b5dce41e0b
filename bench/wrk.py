"""Runs wrk (Debian's package) and reads its figures.

wrk's own summary is meant for people; a Lua ``done()`` prints the same figures as one
JSON line after a marker, which is what ``parse`` reads. For a cold run the script
also cycles through a list of paths, each thread from its own offset, and records the
smallest and largest body it received.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

MARKER = "BENCH-WRK-RESULT "

_DONE = """
done = function(summary, latency, requests)
  local low, high = -1, -1
  for _, thread in ipairs(threads) do
    local tlow, thigh = thread:get("low"), thread:get("high")
    if tlow and tlow >= 0 and (low < 0 or tlow < low) then low = tlow end
    if thigh and thigh > high then high = thigh end
  end
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "low_bytes": %d, "high_bytes": %d}\\n',
    "MARKER", summary.requests, summary.duration, summary.bytes, e.connect, e.read,
    e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99),
    latency.max, low, high))
end
""".replace("MARKER", MARKER)

_THREADS = """
threads = {}
setup = function(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end
"""

_CYCLE = """
local step = STEP
init = function(args)
  i = offset or 0
  low, high = -1, -1
end
request = function()
  local path = paths[(i % #paths) + 1]
  i = i + step
  return wrk.format(nil, path)
end
response = function(status, headers, body)
  local n = #body
  if low < 0 or n < low then low = n end
  if n > high then high = n end
end
"""


def _lua_string(text: str) -> str:
    # Paths are URL-encoded ASCII; escaping the backslash and quote covers the rest.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def script(*, paths: list[str] | None = None, threads: int = 1) -> str:
    """The Lua script: the report, plus the path cycle when ``paths`` are given."""
    parts = [_THREADS, _DONE]
    if paths:
        listed = ",\n".join(f"  {_lua_string(p)}" for p in paths)
        parts += [f"paths = {{\n{listed}\n}}\n", _CYCLE.replace("STEP", str(threads))]
    return "\n".join(parts)


@dataclass(frozen=True)
class Figures:
    requests: int
    seconds: float
    bytes_read: int
    socket_errors: int
    status_errors: int  # responses with a status of 400 or more
    timeouts: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    low_bytes: int | None  # smallest and largest body, cold runs only
    high_bytes: int | None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.socket_errors + self.status_errors


def parse(output: str) -> Figures:
    """The figures from wrk's output (the ``done()`` line)."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            break
    else:
        raise ValueError("no result line in wrk's output")
    answered = data["requests"] > 0
    return Figures(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        bytes_read=data["bytes"],
        # wrk counts a timed-out request among its socket errors, as "timeout".
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        status_errors=data["status"],
        timeouts=data["timeout"],
        p50_ms=data["p50_us"] / 1000 if answered else 0.0,
        p99_ms=data["p99_us"] / 1000 if answered else 0.0,
        max_ms=data["max_us"] / 1000 if answered else 0.0,
        low_bytes=data["low_bytes"] if data["low_bytes"] >= 0 else None,
        high_bytes=data["high_bytes"] if data["high_bytes"] >= 0 else None,
    )


def command(
    *,
    url: str,
    script_path: Path,
    connections: int,
    threads: int,
    seconds: float,
    timeout: float,
    htmx: bool = False,
) -> list[str]:
    args = [
        "wrk",
        f"--connections={connections}",
        f"--threads={threads}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={max(1, round(timeout))}s",
        f"--script={script_path}",
    ]
    if htmx:
        args += ["--header", "HX-Request: true"]
    return [*args, url]


def run(
    *,
    base_url: str,
    workdir: Path,
    paths: list[str],
    connections: int,
    threads: int,
    seconds: float,
    timeout: float,
    htmx: bool = False,
    cycle: bool = False,
) -> Figures:
    """One wrk run: the first path over and over, or (``cycle``) a cycle through all.

    Only a cycling run records body sizes: a Lua ``response()`` costs wrk time, which a
    warm run at thousands of requests a second should not spend.
    """
    threads = min(threads, connections)
    script_path = workdir / "wrk.lua"
    script_path.write_text(script(paths=paths if cycle else None, threads=threads), "utf-8")
    args = command(
        url=base_url + paths[0],
        script_path=script_path,
        connections=connections,
        threads=threads,
        seconds=seconds,
        timeout=timeout,
        htmx=htmx,
    )
    completed = subprocess.run(
        args, capture_output=True, text=True, check=False, timeout=seconds + timeout + 30
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    return parse(completed.stdout)


def available() -> bool:
    return shutil.which("wrk") is not None
