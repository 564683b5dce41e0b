"""An editor's bad input gets an answer, never a 500 (issue 10, finding 7).

Signed in as an editor, a seeded generator sends the admin's price export, import and
confirm step query strings, files and forms no browser would: unknown and malformed
filters, NUL and control bytes, broken percent-encodings, huge numbers, long values,
markup and SQL fragments, files in every encoding and none, and confirmations with any
field changed or missing. Every answer must be below 500.
"""

import csv
import io
import json
import random
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Certification
from tests.conftest import make_certification

EXPORT = "/admin/catalog/certification/export/"
IMPORT = "/admin/catalog/certification/import/"
CONFIRM = "/admin/catalog/certification/process_import/"
SOURCE = "https://example.com/fees"
ROUNDS = 150  # per step: 450 requests in all

KEYS = [
    "q", "o", "p", "e", "all", "status", "verified", "providers__id__exact",
    "providers__isnull", "billing__exact", "billing", "format__exact", "confidence__exact",
    "foo", "_to_field", "_popup", "_changelist_filters", "name__regex", "cost_amount__gt",
    "id__in", "verified_on__gte", "pk", "", "%00", "q[]", "export_items",
]  # fmt: skip
VALUES = [
    "", "1", "0", "-1", "abc", "\x00", "a\x00b", "\x01\x1f\x7f", "1e999", "-1e-999999",
    "9" * 40, "NaN", "inf", "<script>alert(1)</script>", "' OR 1=1--", "\"; DROP TABLE x;--",
    "é–€€𝔘", "\u202e", "a" * 5000, "../../etc/passwd", "/tmp/x", "per-month", "stale",
    "retired", "1,2,3", "[", "{", "%", "%zz", "%E2%82", "(?", "2026-13-45", "true",
]  # fmt: skip
FIELDS = ["import_file_name", "original_file_name", "format", "resource", "source_url",
          "note", "versions", "confirm"]  # fmt: skip


def random_query(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(0, 5)):
        key, value = rng.choice(KEYS), rng.choice(VALUES)
        if rng.random() < 0.2:
            parts.append(f"{key}={value}"[:6000])  # raw: invalid percent-encodings too
        else:
            parts.append(f"{quote(key)}={quote(value)}")
    return "&".join(parts)


def random_file(rng: random.Random) -> bytes:
    kind = rng.randrange(8)
    rows = [
        [rng.choice(["alpha", "beta", "nosuch", rng.choice(VALUES)]), rng.choice(VALUES)]
        for _ in range(rng.randint(0, 6))
    ]
    header = rng.choice([["slug", "cost_amount"], ["slug"], ["x"], [rng.choice(VALUES)], []])
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    text = out.getvalue()
    if kind == 0:
        return text.encode("utf-16")
    if kind == 1:
        return rng.randbytes(rng.randint(0, 3000))
    if kind == 2:
        return text.encode("cp1252", errors="replace")
    if kind == 3:
        return ("\ufeff" + text).encode("utf-8", errors="replace")
    if kind == 4:
        return b'slug,cost_amount\r\n"alpha,"unclosed\r\n' + b"\x00" * rng.randint(0, 3)
    if kind == 5:
        return ("slug,cost_amount\r\n" + "alpha," + "9" * 5000 + "\r\n").encode()
    return text.encode("utf-8", errors="replace")


@pytest.fixture
def certs(db):
    make_certification(slug="alpha", cost_amount=Decimal("200"))
    make_certification(slug="beta", cost_amount=Decimal("150"))


def test_fuzzed_export_import_and_confirm_never_answer_500(editor_client, certs):
    rng = random.Random(20261201)
    statuses = []

    for _ in range(ROUNDS):
        response = editor_client.get(f"{EXPORT}?{random_query(rng)}")
        statuses.append(("export", response.status_code))

    for _ in range(ROUNDS):
        data = {
            "format": rng.choice(["0", "1", "abc", "", "-1", "9" * 30]),
            "resource": rng.choice(["0", "", "7", "x"]),
            "source_url": rng.choice([SOURCE, "", "javascript:x", rng.choice(VALUES)]),
            "note": rng.choice(VALUES),
        }
        if rng.random() < 0.9:
            name = rng.choice(["prices.csv", "../../x.csv", "a\x00.csv", "é.csv", "x" * 300])
            data["import_file"] = SimpleUploadedFile(name, random_file(rng))
        response = editor_client.post(f"{IMPORT}?{random_query(rng)}", data)
        statuses.append(("import", response.status_code))

    valid = {"format": "0", "resource": "0", "source_url": SOURCE, "note": ""}
    for _ in range(ROUNDS):
        upload = SimpleUploadedFile("prices.csv", b"slug,cost_amount\r\nalpha,250\r\n")
        previewed = editor_client.post(IMPORT, valid | {"import_file": upload})
        initial = previewed.context["confirm_form"].initial
        data = initial | {"versions": json.dumps(initial["versions"])}
        for field in rng.sample(FIELDS, rng.randint(1, 3)):
            if rng.random() < 0.3:
                data.pop(field, None)
            else:
                data[field] = rng.choice(VALUES + [json.dumps({"alpha": rng.choice(VALUES)})])
        response = editor_client.post(CONFIRM, data)
        statuses.append(("confirm", response.status_code))

    failures = [(step, status) for step, status in statuses if status >= 500]
    assert failures == []
    assert len(statuses) == 3 * ROUNDS
    # The generator reached the refusals, not only the happy path.
    assert {status for step, status in statuses if step == "export"} >= {200, 302}
    assert {status for step, status in statuses if step == "confirm"} == {302}
    # A confirmation is applied only whole and only as previewed: 250 or untouched.
    assert Certification.objects.get(slug="alpha").cost_amount in {Decimal("200"), Decimal("250")}
