import pytest

from bench.run import MAX_RUN, databases, parse_args, run_length
from bench.server import BenchError, postgres_bench_url


def test_sizes_default_to_the_seed_ten_thousand_and_a_hundred_thousand(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    args = parse_args([])
    assert args.sizes == [0, 10_000, 100_000]
    assert args.kinds[0] == "catalogue" and len(args.kinds) == 9
    assert (args.duration, args.warm_duration, args.connections, args.workers) == (5, 3, 8, 2)


def test_sizes_and_kinds_narrow_the_run():
    args = parse_args(["--sizes", "seed,10_000", "--kinds", "partial, home"])
    assert args.sizes == [0, 10_000]
    assert args.kinds == ["partial", "home"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--kinds", "sitemap"],
        ["--sizes", "-5"],
        ["--duration", "0"],
        ["--warm-duration", "9999"],
        ["--workers", "0"],
    ],
)
def test_bad_arguments_are_refused(argv):
    with pytest.raises(SystemExit):
        parse_args(argv)


def test_postgres_joins_sqlite_when_database_url_is_set(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert databases(None) == ["sqlite"]
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1/certsite")
    assert databases(None) == ["sqlite", "postgres"]
    assert databases("postgres") == ["postgres"]


def test_scratch_database_keeps_the_server_and_credentials():
    url = postgres_bench_url("postgres://u:p@db:5433/certsite?sslmode=off", name="certsite_bench_7")
    assert url == "postgres://u:p@db:5433/certsite_bench_7?sslmode=off"


def test_a_database_named_like_scratch_is_never_taken_for_the_server():
    with pytest.raises(BenchError):
        postgres_bench_url("postgres://u@db/certsite_bench_1", name="certsite_bench_2")


def test_a_run_lasts_long_enough_for_a_few_responses_of_a_slow_page():
    assert run_length(5, 0.05) == 5
    assert run_length(5, 2.5) == 7.5
    assert run_length(5, 40) == MAX_RUN
