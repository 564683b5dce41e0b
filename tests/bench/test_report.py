import pytest

from bench.report import HEADER, Row, body_bytes, format_row, table, targets_summary
from bench.wrk import Figures


def figures(*, requests=1000, seconds=5.0, p50=10.0, p99=50.0, status=0, socket=0, timeouts=0):
    return Figures(
        requests=requests,
        seconds=seconds,
        bytes_read=0,
        socket_errors=socket + timeouts,
        status_errors=status,
        timeouts=timeouts,
        p50_ms=p50,
        p99_ms=p99,
        max_ms=p99,
        low_bytes=None,
        high_bytes=None,
    )


def row(**overrides):
    values = dict(
        database="postgres",
        size=10_000,
        kind="partial",
        label="HTMX partial",
        mode="warm",
        urls=1,
        figures=figures(),
        body_bytes="14,870",
        queries=9,
        static=figures(requests=1200),
    )
    return Row(**(values | overrides))


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip("|").split("|")]


def test_a_row_has_a_cell_for_every_column():
    columns = cells(HEADER.splitlines()[0])
    assert len(cells(format_row(row()))) == len(columns)
    assert len(cells(format_row(row(mode="cold", static=None)))) == len(columns)


def test_warm_row_shows_the_static_file_and_the_ratio():
    line = cells(format_row(row()))
    assert line[:7] == ["postgres", "10,000", "HTMX partial", "warm", "1", "14,870", "200"]
    assert line[10] == "9"  # queries
    assert line[11:13] == ["240", "83%"]
    assert line[13] == "✓ ≥ 80% of static"


def test_warm_row_below_eighty_percent_of_static_misses_its_target():
    slow = row(static=figures(requests=2000))
    assert slow.ratio == pytest.approx(0.5)
    assert slow.target == ("≥ 80% of static", False)


@pytest.mark.parametrize(
    ("kind", "size", "p99", "met"),
    [
        ("partial", 10_000, 99.0, True),
        ("partial", 10_000, 100.0, False),
        ("partial", 100_000, 240.0, True),
        ("partial", 100_000, 260.0, False),
        ("home", 10_000, 80.0, True),
        ("advisor", 10_000, 120.0, False),
    ],
)
def test_cold_targets_are_p99_limits_by_kind_and_size(kind, size, p99, met):
    cold = row(kind=kind, size=size, mode="cold", static=None, figures=figures(p99=p99))
    assert cold.target[1] is met


def test_cold_rows_without_a_target_leave_the_column_empty():
    cold = row(kind="detail", mode="cold", static=None)
    assert cold.target is None
    assert cells(format_row(cold))[13] == ""


def test_cold_target_is_missed_when_requests_failed_however_fast_the_rest():
    cold = row(mode="cold", static=None, figures=figures(p99=20.0, timeouts=3))
    assert cold.target[1] is False


def test_errors_are_counted_and_named():
    line = cells(format_row(row(figures=figures(status=2, socket=1, timeouts=3))))
    assert line[9] == "6 (2 HTTP ≥ 400, 3 timeouts, 1 socket)"


def test_a_page_that_could_not_be_measured_counts_as_an_error():
    unmeasured = row(figures=None, static=None, note="one request took 33 s")
    assert unmeasured.errors == 1
    line = cells(format_row(unmeasured))
    assert line[6:9] == ["–", "–", "–"]
    assert line[9] == "not measured: one request took 33 s"
    assert unmeasured.target == ("≥ 80% of static", False)


def test_rates_and_latencies_keep_a_useful_precision():
    line = cells(format_row(row(figures=figures(requests=35, p50=7.25, p99=1234.4))))
    assert line[6:9] == ["7.0", "7.2", "1,234"]


def test_body_bytes_is_one_size_or_a_range():
    assert body_bytes(120, 120) == "120"
    assert body_bytes(120, 14_000) == "120–14,000"
    assert body_bytes(None, None) == "–"


def test_table_and_summary():
    rows = [row(), row(mode="cold", static=None, figures=figures(p99=150.0))]
    text = table(rows)
    assert text.splitlines()[:2] == HEADER.splitlines()
    assert len(text.splitlines()) == 4
    assert targets_summary(rows) == "Targets met: 1 of 2."


def test_a_run_without_a_single_response_counts_as_an_error():
    silent = row(mode="cold", static=None, figures=figures(requests=0))
    assert silent.errors == 1
    assert cells(format_row(silent))[9] == "no response in 5 s"
    slow = row(figures=figures(requests=0), note="one request took 6.5 s")
    assert cells(format_row(slow))[9] == "no response in 5 s (one request took 6.5 s)"
