"""A scatter chart of cost against recognition, laid out for a server-drawn SVG.

Pure layout: each point keeps its link and a text label; points that share a
position fan out sideways so every mark stays visible and clickable.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 124, 24, 20, 56
RECOGNITION_LABELS = {1: "Low", 2: "Medium", 3: "Medium–High", 4: "High", 5: "Very high"}
# The catalogue's ?recognition= values.
RECOGNITION_SLUGS = {1: "low", 2: "medium", 3: "medium-high", 4: "high", 5: "very-high"}
SPREAD = 14


@dataclass(frozen=True)
class Item:
    label: str
    url: str
    cost: float
    recognition: int
    detail: str


@dataclass(frozen=True)
class Point:
    item: Item
    x: float
    y: float


@dataclass(frozen=True)
class Tick:
    value: float
    pos: float
    label: str


class Frame:
    """Where both charts draw: the same size and margins for every chart."""

    width = WIDTH
    height = HEIGHT
    left = LEFT
    right = WIDTH - RIGHT
    top = TOP
    bottom = HEIGHT - BOTTOM

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Chart(Frame):
    points: tuple[Point, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


def nice_ceiling(value: float) -> float:
    """The next round number at or above ``value``, for an axis that ends tidily."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def layout(items: list[Item]) -> Chart:
    top_cost = nice_ceiling(max((i.cost for i in items), default=100) * 1.05)
    ticks = 4 if top_cost / 10 ** math.floor(math.log10(top_cost)) in (4, 8) else 5
    step = top_cost / ticks
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x_of(cost: float) -> float:
        return LEFT + cost / top_cost * plot_w

    def y_of(recognition: float) -> float:
        return HEIGHT - BOTTOM - (recognition - 0.5) / 5 * plot_h

    groups: dict[tuple[float, int], list[Item]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.label):
        groups[(round(x_of(item.cost) / SPREAD), item.recognition)].append(item)
    points = []
    for group in groups.values():
        offset = -(len(group) - 1) / 2
        for n, item in enumerate(group):
            points.append(
                Point(
                    item,
                    x=round(x_of(item.cost) + (offset + n) * SPREAD, 1),
                    y=round(y_of(item.recognition), 1),
                )
            )
    x_ticks = tuple(Tick(v, round(x_of(v), 1), f"${v:,.0f}") for v in (step * k for k in range(6)))
    y_ticks = tuple(Tick(r, round(y_of(r), 1), label) for r, label in RECOGNITION_LABELS.items())
    return Chart(tuple(points), x_ticks, y_ticks)


# Above this many plottable certifications the chart counts them in cells (cost band ×
# recognition) instead of drawing a dot each, so the page stays the same size at any
# catalogue size.
MAX_POINTS = 80
# Upper bounds of the cost bands in US$ (each band is "more than the previous, up to this");
# None is open-ended. 0 is its own band: free.
BANDS: tuple[tuple[int | None, str], ...] = (
    (0, "Free"),
    (100, "Up to $100"),
    (250, "$100–250"),
    (500, "$250–500"),
    (1000, "$500–1,000"),
    (2500, "$1,000–2,500"),
    (10000, "$2,500–10,000"),
    (None, "Over $10,000"),
)
# Axis labels short enough for a column each.
BAND_TICKS = (
    "Free",
    "≤ $100",
    "$100–250",
    "$250–500",
    "$500–1k",
    "$1k–2.5k",
    "$2.5k–10k",
    "> $10k",
)
CELL_MAX_RADIUS = 19
CELL_MIN_RADIUS = 5


@dataclass(frozen=True)
class Cell:
    band: int  # index into BANDS
    recognition: int
    count: int
    url: str
    x: float = 0
    y: float = 0
    r: float = 0

    @property
    def label(self) -> str:
        noun = "certification" if self.count == 1 else "certifications"
        return (
            f"{RECOGNITION_LABELS[self.recognition]} recognition, {BANDS[self.band][1]}: "
            f"{self.count:,} {noun}"
        )


@dataclass(frozen=True)
class Grid(Frame):
    cells: tuple[Cell, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    rows: tuple[tuple[str, tuple[Cell | None, ...]], ...]  # the table: recognition × band
    total: int

    @property
    def band_labels(self) -> tuple[str, ...]:
        return tuple(label for _, label in BANDS)


def band_bounds(band: int) -> tuple[int | None, int | None]:
    """(more than, up to) in US$ for a band; None where open."""
    upper = BANDS[band][0]
    lower = BANDS[band - 1][0] if band > 0 else None
    return lower, upper


def grid_layout(counts: dict[tuple[int, int], int], url_of) -> Grid:
    """Cells sized by count (area), at band × recognition; ``url_of(band, recognition)``."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    column = plot_w / len(BANDS)
    biggest = max(counts.values(), default=1)

    def x_of(band: int) -> float:
        return round(LEFT + (band + 0.5) * column, 1)

    def y_of(recognition: int) -> float:
        return round(HEIGHT - BOTTOM - (recognition - 0.5) / 5 * plot_h, 1)

    cells = {}
    for (band, recognition), count in sorted(counts.items()):
        if not count:
            continue
        radius = max(CELL_MIN_RADIUS, CELL_MAX_RADIUS * math.sqrt(count / biggest))
        cells[band, recognition] = Cell(
            band,
            recognition,
            count,
            url_of(band, recognition),
            x=x_of(band),
            y=y_of(recognition),
            r=round(radius, 1),
        )
    rows = tuple(
        (label, tuple(cells.get((band, recognition)) for band in range(len(BANDS))))
        for recognition, label in sorted(RECOGNITION_LABELS.items(), reverse=True)
    )
    x_ticks = tuple(Tick(band, x_of(band), label) for band, label in enumerate(BAND_TICKS))
    y_ticks = tuple(Tick(r, y_of(r), label) for r, label in RECOGNITION_LABELS.items())
    return Grid(tuple(cells.values()), x_ticks, y_ticks, rows, sum(counts.values()))
