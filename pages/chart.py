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


@dataclass(frozen=True)
class Chart:
    points: tuple[Point, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


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
