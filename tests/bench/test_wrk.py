import pytest

from bench import wrk

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.01ms    2.00ms  30.00ms   80.00%
  1000 requests in 5.00s, 10.00MB read
BENCH-WRK-RESULT {"requests": 1000, "duration_us": 5000000, "bytes": 10485760, \
"connect": 0, "read": 2, "write": 0, "status": 3, "timeout": 1, "p50_us": 9500, \
"p99_us": 28000, "max_us": 30000, "low_bytes": 120, "high_bytes": 4500}
Requests/sec:    200.00
"""


def test_parse_reads_the_result_line_among_wrks_own_summary():
    figures = wrk.parse(WRK_OUTPUT)
    assert figures.requests == 1000
    assert figures.per_second == pytest.approx(200.0)
    assert (figures.p50_ms, figures.p99_ms, figures.max_ms) == (9.5, 28.0, 30.0)
    assert (figures.low_bytes, figures.high_bytes) == (120, 4500)


def test_parse_counts_timeouts_among_socket_errors_and_bad_statuses_apart():
    figures = wrk.parse(WRK_OUTPUT)
    assert figures.socket_errors == 3  # 2 read errors, 1 timeout
    assert figures.timeouts == 1
    assert figures.status_errors == 3
    assert figures.errors == 6


def test_parse_of_a_run_without_answers_has_no_latency_and_no_rate():
    line = (
        'BENCH-WRK-RESULT {"requests": 0, "duration_us": 0, "bytes": 0, "connect": 0, '
        '"read": 0, "write": 0, "status": 0, "timeout": 4, "p50_us": 0, "p99_us": 0, '
        '"max_us": 0, "low_bytes": -1, "high_bytes": -1}'
    )
    figures = wrk.parse(line)
    assert figures.per_second == 0.0
    assert figures.p99_ms == 0.0
    assert figures.low_bytes is None and figures.high_bytes is None
    assert figures.errors == 4


def test_parse_without_a_result_line_fails_loudly():
    with pytest.raises(ValueError, match="no result line"):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_cycling_script_lists_every_path_escaped_and_steps_by_the_thread_count():
    text = wrk.script(paths=["/a/", '/b/?q="x"', "/c\\d"], threads=2)
    assert '"/a/",' in text
    assert r'"/b/?q=\"x\""' in text
    assert r'"/c\\d"' in text
    assert "local step = 2" in text
    assert "response = function" in text  # body sizes are recorded


def test_repeating_script_reports_without_a_response_callback():
    text = wrk.script()
    assert wrk.MARKER in text
    assert "request = function" not in text
    assert "response = function" not in text


def test_command_sends_the_htmx_header_only_when_asked():
    args = dict(
        url="http://127.0.0.1:1/x/",
        script_path="/tmp/s.lua",
        connections=8,
        threads=2,
        seconds=5,
        timeout=10,
    )
    plain = wrk.command(**args)
    htmx = wrk.command(**args, htmx=True)
    assert "--header" not in plain
    assert htmx[htmx.index("--header") + 1] == "HX-Request: true"
    assert "--connections=8" in plain and "--threads=2" in plain
    assert "--duration=5s" in plain and "--timeout=10s" in plain
    assert plain[-1] == "http://127.0.0.1:1/x/"
