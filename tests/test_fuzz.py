"""Generated hostile requests against every public GET endpoint.

A seeded generator (the same requests on every run, so a failure can be replayed) sends
query strings built from NUL and control bytes, invalid percent-encodings, huge and tiny
numbers in every notation, repeated keys, 5,000-character values, unicode, markup and SQL
fragments, with and without the htmx headers. Every answer must be a 2xx, 3xx or 4xx with
a bounded body and bounded headers, and no injected markup may come back unescaped.
"""

import os
import random
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from advisor import flow
from catalog.seed import seed_all
from pages.guide import GUIDE_PAGES

SEED = 20261201
# Per database: `make test` runs on SQLite and on PostgreSQL, 12,000 requests in all.
REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "6000"))
MAX_BODY = 1024 * 1024
MAX_HEADER = 8 * 1024
LONG = 5000
SHORT = 200

CATALOGUE_KEYS = [
    "q",
    "provider",
    "focus",
    "level",
    "max_cost",
    "unknown_cost",
    "billing",
    "min_recognition",
    "format",
    "status",
    "sort",
    "page",
    "c",
    "cost_over",
    "recognition",
]
ADVISOR_KEYS = [*flow.QUESTIONS, *flow.REFINEMENTS, "step", "problem", "c"]

# (path, parameter names it reads, relative weight): cheap pages are asked more often.
ENDPOINTS = [
    ("/", ["c"], 4),
    ("/certifications/", CATALOGUE_KEYS, 12),
    ("/certifications/export.csv", [*CATALOGUE_KEYS, "offset"], 3),
    ("/certifications/export.json", [*CATALOGUE_KEYS, "offset"], 3),
    ("/certifications/{slug}/", ["c", "fact"], 6),
    ("/certifications/{slug}/feed/", ["provider"], 2),
    ("/certifications/{slug}/suggest/", ["fact", "c"], 3),
    ("/certifications/{slug}/suggest/thanks/", ["c"], 1),
    ("/certifications/{junk}/", ["c"], 2),
    ("/compare/", ["c", "add", "diff"], 10),
    ("/compare/suggest/", ["c", "add", "diff"], 8),
    ("/advisor/", ADVISOR_KEYS, 10),
    ("/advisor/result/", ADVISOR_KEYS, 10),
    ("/guide/", ["c"], 2),
    ("/guide/{guide}/", ["c"], 3),
    ("/guide/{junk}/", ["c"], 1),
    ("/changes/", ["provider", "page", "c"], 5),
    ("/changes/feed/", ["provider"], 2),
    ("/sitemap.xml", ["p", "page"], 1),
    ("/robots.txt", ["c"], 1),
    ("/healthz", ["c"], 1),
]

HEADER_SETS = [
    {},
    {},
    {"HX-Request": "true"},
    {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    {"HX-Request": "true", "X-Certsite-History": "replace"},
    {"HX-Request": "true", "HX-Current-URL": "http://testserver/%00<x>"},
]

VALID = {
    "provider": ["aws", "google-cloud", "microsoft", "coursera", "nvidia"],
    "focus": ["generative-ai", "machine-learning", "mlops"],
    "level": ["beginner", "intermediate", "advanced"],
    "billing": ["per-attempt", "per-month", "free"],
    "format": ["exam", "course", "course-series"],
    "status": ["active", "retiring", "retired"],
    "sort": ["name", "cost", "-cost", "recognition"],
    "unknown_cost": ["include", "exclude"],
    "min_recognition": ["high", "medium"],
    "budget": ["100", "500", "any"],
    "topics": ["generative-ai", "any"],
    "experience": ["yes", "no"],
    "career_change": ["yes", "no"],
    "recognition": ["yes", "no"],
    "diff": ["1"],
    "page": ["1", "2"],
}

NUMBERS = [
    "0",
    "-0",
    "-1",
    "1e-999999",
    "1e999999",
    "-1e999999",
    "9" * 400,
    "0." + "0" * 300 + "1",
    "1E+5",
    "1e308",
    "4.9e-324",
    ".5",
    "5.",
    "NaN",
    "nan",
    "-Infinity",
    "inf",
    "sNaN",
    "1_000",
    "0x1F",
    "0b101",
    "１２３",
    "١٢٣",
    "12,5",
    "1e-7",
    "100.001",
    "2147483648",
    "-9223372036854775809",
]
CONTROL = ["\x00", "a\x00b", "\x01\x02\x1f", "\x7f", "\r\n", "\t", "\x1b[31m", "\x00" * 20]
UNICODE = [
    "é",
    "😀",
    "\u202egnp.exe",
    "e\u0301",
    "ℌ𝔢𝔩𝔩𝔬",
    "\ufeff",
    "\u200b",
    "İ",
    "ß" * 40,
    "中文",
]
SQL = [
    "' OR 1=1 --",
    "1; DROP TABLE catalog_certification;--",
    "%' AND '1'='1",
    "\\",
    "' UNION SELECT NULL--",
    "1)) OR ((1=1",
]
# Raw fragments written into the query string as they are: not valid percent-encodings.
RAW_BAD_ENCODINGS = ["%", "%zz", "%0", "%C3%28", "%ff%fe", "%ED%A0%80", "%%", "%u0041", "%E2%82"]


@dataclass(frozen=True)
class Sent:
    path: str
    query: str
    headers: dict
    marker: str


def _markup(rng: random.Random, marker: str) -> str:
    return rng.choice(
        [
            f"<{marker}>",
            f'"><{marker} onload=alert(1)>',
            f"</title><{marker}>",
            f"<script>{marker}</script>",
            f"'><svg/{marker}>",
        ]
    )


class Generator:
    def __init__(self, seed: int, slugs: list[str]):
        self.rng = random.Random(seed)
        self.slugs = slugs
        self.endpoints = [e[:2] for e in ENDPOINTS]
        self.weights = [e[2] for e in ENDPOINTS]
        self.count = 0

    def value(self, key: str, marker: str) -> tuple[str, bool]:
        """A value and whether it is already written raw (not to be percent-encoded)."""
        rng = self.rng
        kind = rng.randrange(12)
        if kind == 0 and key in VALID:
            return rng.choice(VALID[key]), False
        if kind == 1:
            return rng.choice(self.slugs), False
        if kind == 2:
            return rng.choice(NUMBERS), False
        if kind == 3:
            return rng.choice(CONTROL) + rng.choice(["", "aws", "100"]), False
        if kind == 4:
            return rng.choice(RAW_BAD_ENCODINGS) + rng.choice(["", "x", "%00"]), True
        if kind == 5:
            return rng.choice("ax<9%é&=") * LONG, False
        if kind == 6:
            return rng.choice(UNICODE), False
        if kind == 7:
            return _markup(rng, marker), False
        if kind == 8:
            return rng.choice(SQL), False
        if kind == 9:
            return "", False
        if kind == 10:
            return rng.choice(NUMBERS) + rng.choice(["", "0" * LONG]), False
        return _markup(rng, marker) * rng.choice([1, 3]), rng.random() < 0.3

    def request(self) -> Sent:
        rng = self.rng
        self.count += 1
        marker = f"zqfuzz{self.count}"
        path, keys = rng.choices(self.endpoints, self.weights)[0]
        junk = rng.choice(["x" * 300, "%00", "..", "%3Cx%3E", "a" * 81, "%F0%9F%98%80"])
        path = path.format(
            slug=rng.choice(self.slugs), guide=rng.choice(list(GUIDE_PAGES)), junk=junk
        )
        pairs = []
        for _ in range(rng.randrange(0, 7)):
            key = rng.choice(keys) if rng.random() < 0.85 else rng.choice(["", "x", "<k>", "%00"])
            value, raw = self.value(key, marker)
            repeats = rng.choice([1, 1, 1, 2, 5, 40])
            for _ in range(repeats):
                encoded = value if raw else quote(value, safe="")
                pairs.append(f"{quote(key, safe='%<>')}={encoded}")
        if rng.random() < 0.05:
            pairs.append(rng.choice(["&&", "=", "novalue", "a=b=c", ";x=1"]))
        return Sent(path, "&".join(pairs), rng.choice(HEADER_SETS), marker)


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _problems(sent: Sent, response) -> list[str]:
    problems = []
    if response.status_code >= 500:
        problems.append(f"status {response.status_code}")
    body = _body(response)
    if len(body) >= MAX_BODY:
        problems.append(f"body of {len(body):,} bytes")
    for name, value in response.headers.items():
        if len(value) >= MAX_HEADER:
            problems.append(f"header {name} of {len(value):,} characters")
    content_type = response.headers.get("Content-Type", "")
    if ("html" in content_type or "xml" in content_type) and f"<{sent.marker}".encode() in body:
        problems.append("injected markup reflected unescaped")
    return problems


@pytest.fixture
def slugs(db):
    seed_all()
    from catalog.models import Certification

    return list(Certification.objects.values_list("slug", flat=True))


def test_generated_hostile_requests_never_fail_or_amplify(slugs):
    client = Client()
    generator = Generator(SEED, slugs)
    failures = []
    statuses: dict[int, int] = {}
    for _ in range(REQUESTS):
        sent = generator.request()
        try:
            # A savepoint per request: a database error in one request must not hide the
            # next ones behind an aborted transaction.
            with transaction.atomic():
                response = client.get(sent.path, QUERY_STRING=sent.query, headers=sent.headers)
        except Exception as error:  # noqa: BLE001 -- every failure is reported below
            failures.append(f"{sent.path}?{sent.query[:300]} {sent.headers}: {error!r}")
            continue
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        problems = _problems(sent, response)
        if problems:
            failures.append(f"{sent.path}?{sent.query[:300]} {sent.headers}: {problems}")
    print(f"fuzz: {generator.count} requests, statuses {dict(sorted(statuses.items()))}")
    if failures:
        report = settings.BASE_DIR / "artifacts" / "fuzz-failures.txt"
        report.parent.mkdir(exist_ok=True)
        report.write_text("\n".join(failures))
    assert not failures, f"{len(failures)} failing requests, first ones:\n" + "\n".join(
        failures[:15]
    )


# Each endpoint's parameters, one at a time: a 5,000-character value may not make the
# answer longer than a 200-character one does (longer than anything the site says back,
# so both are cut or refused the same way).
GROWTH_CASES = [
    (path, key)
    for path, keys, _ in ENDPOINTS
    if "{junk}" not in path
    for key in dict.fromkeys([*keys, "unknown"])
]


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx"])
def test_no_answer_grows_with_a_parameters_length(slugs, headers):
    client = Client()
    grown = []
    for path, key in GROWTH_CASES:
        path = path.format(slug=slugs[0], guide=next(iter(GUIDE_PAGES)))
        sizes = []
        for length in (SHORT, LONG):
            for filler in ("a", "1", "<"):
                response = client.get(path, {key: filler * length}, headers=headers)
                size = len(_body(response)) + sum(len(v) for v in response.headers.values())
                sizes.append((length, filler, size))
        short = {filler: size for length, filler, size in sizes if length == SHORT}
        for length, filler, size in sizes:
            if length == LONG and size > short[filler] + 200:
                grown.append(f"{path}?{key}={filler}×{LONG}: {short[filler]} → {size} bytes")
    assert not grown, "\n".join(grown)
