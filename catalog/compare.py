"""Side-by-side comparison: picks from the URL, rows, differences and best values.

Picks live in the query string as repeated ``c`` parameters, so a comparison is
a link. Parsing is pure; building rows reads certifications already fetched.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

MAX_PICKS = 4
PICK_PARAM = "c"
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


@dataclass(frozen=True)
class Picks:
    slugs: list[str]
    dropped_invalid: list[str] = field(default_factory=list)
    dropped_repeats: list[str] = field(default_factory=list)
    dropped_over_limit: list[str] = field(default_factory=list)


def parse_picks(values: Sequence[str], *, limit: int = MAX_PICKS) -> Picks:
    """Slugs in the order given: malformed ones, repeats and any past ``limit`` dropped."""
    slugs, invalid, repeats, over = [], [], [], []
    for raw in values[:50]:
        value = raw.strip()
        if not _SLUG.match(value):
            invalid.append(value[:40])
        elif value in slugs:
            repeats.append(value)
        elif len(slugs) >= limit:
            over.append(value)
        else:
            slugs.append(value)
    return Picks(slugs, invalid, repeats, over)


def toggled(slugs: list[str], slug: str) -> list[str]:
    """The picks with ``slug`` removed if present, else appended."""
    return [s for s in slugs if s != slug] if slug in slugs else [*slugs, slug]


def replaced(slugs: list[str], old: str, new: str) -> list[str]:
    """Swaps ``old`` for ``new`` in place (a retired pick for its successor)."""
    result = []
    for s in slugs:
        candidate = new if s == old else s
        if candidate not in result:
            result.append(candidate)
    return result


@dataclass
class Cell:
    text: str
    unknown: bool = False
    sort_value: float | None = None
    best: bool = False
    note: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.text.casefold(), self.note.casefold(), tuple(self.links))


@dataclass
class Row:
    label: str
    cells: list[Cell]
    best_label: str = ""

    @property
    def differs(self) -> bool:
        return len({c.key for c in self.cells}) > 1


def mark_best(cells: list[Cell], *, lowest: bool) -> None:
    """Marks every cell holding the best known value; nothing when all agree or too few known."""
    known = [c for c in cells if c.sort_value is not None]
    if len(known) < 2:
        return
    values = {c.sort_value for c in known}
    if len(values) == 1:
        return
    best = min(values) if lowest else max(values)
    for cell in known:
        cell.best = cell.sort_value == best


UNKNOWN = "not published"


def _text(value, unknown: str = UNKNOWN) -> Cell:
    if value in (None, ""):
        return Cell(unknown, unknown=True)
    return Cell(str(value))


def _money(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def build_rows(certifications: Sequence) -> list[Row]:
    """One row per attribute, one cell per certification, best values marked."""
    certs = list(certifications)

    def row(label, make, *, best=None, lowest=True):
        cells = [make(c) for c in certs]
        if best:
            mark_best(cells, lowest=lowest)
        return Row(label, cells, best if best and any(c.best for c in cells) else "")

    def cost(c):
        cell = Cell(c.cost_display, unknown=c.cost_amount is None and c.billing != "free")
        total = c.estimated_total
        cell.sort_value = _money(total)
        if c.billing == "per-month" and total is not None:
            months = c.typical_months or 3
            cell.note = f"about ${total:,.0f} in all over {months} months"
        elif c.cost_note:
            cell.note = c.cost_note
        return cell

    def recognition(c):
        if not c.recognition:
            return Cell("not rated", unknown=True)
        note = "our estimate" if c.is_unconfirmed("recognition") else c.recognition_note
        return Cell(c.get_recognition_display(), sort_value=c.recognition, note=note)

    def exam_length(c):
        if not c.exam_duration_minutes:
            return Cell(UNKNOWN, unknown=True)
        return Cell(f"{c.exam_duration_minutes} minutes", sort_value=c.exam_duration_minutes)

    def validity(c):
        if c.validity_months:
            value: float | None = c.validity_months
        elif "not expire" in c.validity_note.lower():
            value = math.inf
        else:
            value = None
        cell = _text(c.validity_display)
        cell.sort_value = value
        cell.note = c.renewal
        return cell

    def status(c):
        status = c.status
        if status.value == "active":
            cell = Cell("Active")
        elif status.value == "retiring":
            cell = Cell(f"Retiring on {c.retirement_date:%-d %b %Y}")
        else:
            cell = Cell(f"Retired {c.retirement_date:%-d %b %Y}")
        cell.links = [(r.name, r.get_absolute_url()) for r in c.replacements.all()]
        if cell.links:
            cell.note = "Successor" if len(cell.links) == 1 else "Successors"
        return cell

    def focus(c):
        areas = ", ".join(a.name for a in c.focus_areas.all())
        return Cell(
            c.focus or areas or "not described",
            unknown=not (c.focus or areas),
            note=areas if c.focus else "",
        )

    def source(c):
        return Cell(
            f"Checked {c.verified_on:%-d %b %Y}",
            links=[("Official page", c.official_url)],
            note="some values unconfirmed" if c.unconfirmed_fields else "",
        )

    return [
        row("Provider", lambda c: Cell(c.provider_names())),
        row("Format", lambda c: Cell(c.get_format_display())),
        row("Focus", focus),
        row("Difficulty", lambda c: Cell(c.difficulty_display)),
        row("Cost", cost, best="Lowest estimated cost"),
        row("Recognition", recognition, best="Highest recognition", lowest=False),
        row("Exam length", exam_length, best="Shortest exam"),
        row("Questions", lambda c: _text(c.question_count)),
        row("Passing score", lambda c: _text(c.passing_score)),
        row("Validity and renewal", validity, best="Longest validity", lowest=False),
        row("Prerequisites", lambda c: _text(c.prerequisites, "none stated")),
        row("Languages", lambda c: _text(c.languages)),
        row("Status", status),
        row("Source", source),
    ]
