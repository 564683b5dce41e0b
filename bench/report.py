"""The benchmark's rows, the issue's targets, and the Markdown tables: no I/O."""

from dataclasses import dataclass

from .wrk import Figures

WARM_SHARE_OF_STATIC = 0.8
# (URL kind, certifications) -> the cold p99 the issue asks for, in milliseconds.
COLD_P99_TARGETS_MS = {
    ("partial", 10_000): 100,
    ("partial", 100_000): 250,
    ("home", 10_000): 100,
    ("advisor", 10_000): 100,
}


@dataclass(frozen=True)
class Row:
    database: str
    size: int
    kind: str  # a bench.urls.KINDS key
    label: str
    mode: str  # "warm" or "cold"
    urls: int  # distinct URLs asked for
    figures: Figures | None  # None when the page was too slow or failed to measure
    body_bytes: str
    queries: int | None = None  # in-process, uncached, for the sample URL
    static: Figures | None = None  # the same bytes as a static file, warm rows only
    note: str = ""

    @property
    def errors(self) -> int:
        # A page that could not be measured, or answered nothing within the run (wrk
        # drops the requests still running when it stops), is an error too.
        if not self.figures:
            return 1
        return self.figures.errors or (0 if self.figures.requests else 1)

    @property
    def ratio(self) -> float | None:
        if not (self.figures and self.static and self.static.per_second):
            return None
        return self.figures.per_second / self.static.per_second

    @property
    def target(self) -> tuple[str, bool] | None:
        """The issue's target for this row, and whether it is met."""
        if self.mode == "warm":
            ratio = self.ratio
            met = ratio is not None and ratio >= WARM_SHARE_OF_STATIC
            return f"≥ {WARM_SHARE_OF_STATIC:.0%} of static", met
        limit = COLD_P99_TARGETS_MS.get((self.kind, self.size))
        if limit is None:
            return None
        met = bool(self.figures and self.figures.requests and not self.figures.errors)
        return f"p99 < {limit} ms", met and self.figures.p99_ms < limit


HEADER = (
    "| database | certifications | URL kind | run | URLs | bytes | req/s | p50 ms | p99 ms "
    "| errors | queries | static req/s | page/static | target |\n"
    "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
    "| ---: | --- |"
)


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def format_row(row: Row) -> str:
    f = row.figures
    target = row.target
    cells = [
        row.database,
        f"{row.size:,}",
        row.label,
        row.mode,
        f"{row.urls:,}",
        row.body_bytes,
        _rate(f.per_second) if f else "–",
        _ms(f.p50_ms) if f and f.requests else "–",
        _ms(f.p99_ms) if f and f.requests else "–",
        _errors(row),
        "–" if row.queries is None else str(row.queries),
        _rate(row.static.per_second) if row.static else "",
        f"{row.ratio:.0%}" if row.ratio is not None else "",
        f"{'✓' if target[1] else '✗'} {target[0]}" if target else "",
    ]
    return "| " + " | ".join(cells) + " |"


def _errors(row: Row) -> str:
    f = row.figures
    if f is None:
        return f"not measured: {row.note}" if row.note else "not measured"
    if not f.requests and not f.errors:
        return f"no response in {f.seconds:.0f} s" + (f" ({row.note})" if row.note else "")
    if not f.errors:
        return "0"
    parts = []
    if f.status_errors:
        parts.append(f"{f.status_errors} HTTP ≥ 400")
    if f.timeouts:
        parts.append(f"{f.timeouts} timeouts")
    if f.socket_errors - f.timeouts:
        parts.append(f"{f.socket_errors - f.timeouts} socket")
    return f"{f.errors} ({', '.join(parts)})"


def body_bytes(low: int | None, high: int | None) -> str:
    if low is None or high is None:
        return "–"
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


def table(rows: list[Row]) -> str:
    return "\n".join([HEADER, *(format_row(r) for r in rows)])


def targets_summary(rows: list[Row]) -> str:
    judged = [r for r in rows if r.target]
    met = sum(1 for r in judged if r.target[1])
    return f"Targets met: {met} of {len(judged)}."
