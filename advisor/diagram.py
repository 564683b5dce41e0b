"""Lays the flowchart out as boxes and arrows for a server-drawn SVG.

A tidy tree: outcomes side by side at the bottom, each question centred over
the answers it leads to. The visitor's route is marked for highlighting.
"""

import textwrap
from dataclasses import dataclass

from .flow import OUTCOMES, QUESTIONS, START

BOX_W, BOX_H = 190, 64
GAP_X, GAP_Y = 24, 72
PAD = 12
LINE = 17


@dataclass(frozen=True)
class Box:
    key: str
    lines: tuple[str, ...]
    x: float
    y: float
    outcome: bool
    on_route: bool
    current: bool

    @property
    def text_y(self) -> float:
        """Baseline of the first line, so the block of lines sits centred in the box."""
        return self.y + BOX_H / 2 - (len(self.lines) - 1) * LINE / 2 + 5

    @property
    def cx(self) -> float:
        return self.x + BOX_W / 2


@dataclass(frozen=True)
class Arrow:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    on_route: bool

    @property
    def label_x(self) -> float:
        return (self.x1 + self.x2) / 2

    @property
    def label_y(self) -> float:
        return (self.y1 + self.y2) / 2 + 4


@dataclass(frozen=True)
class Diagram:
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    width: float
    height: float


def _label(key: str) -> str:
    return QUESTIONS[key].text if key in QUESTIONS else OUTCOMES[key].title


def layout(route: list[str]) -> Diagram:
    """``route``: node keys from the start; the last one is where the visitor is."""
    leaves: list[str] = []
    depth: dict[str, int] = {}

    def visit(key: str, level: int) -> None:
        depth[key] = level
        if key in QUESTIONS:
            for answer in QUESTIONS[key].answers:
                visit(answer.next, level + 1)
        else:
            leaves.append(key)

    visit(START, 0)
    xs = {key: PAD + i * (BOX_W + GAP_X) for i, key in enumerate(leaves)}

    def place(key: str) -> float:
        if key not in xs:
            children = [place(a.next) for a in QUESTIONS[key].answers]
            xs[key] = sum(children) / len(children)
        return xs[key]

    place(START)
    ys = {key: PAD + level * (BOX_H + GAP_Y) for key, level in depth.items()}
    edges_on_route = set(zip(route, route[1:], strict=False))
    boxes = tuple(
        Box(
            key=key,
            lines=tuple(textwrap.wrap(_label(key), 24)),
            x=xs[key],
            y=ys[key],
            outcome=key in OUTCOMES,
            on_route=key in route,
            current=bool(route) and key == route[-1],
        )
        for key in depth
    )
    arrows = tuple(
        Arrow(
            x1=xs[key] + BOX_W / 2,
            y1=ys[key] + BOX_H,
            x2=xs[answer.next] + BOX_W / 2,
            y2=ys[answer.next],
            label=answer.value.capitalize(),
            on_route=(key, answer.next) in edges_on_route,
        )
        for key in QUESTIONS
        for answer in QUESTIONS[key].answers
    )
    width = PAD * 2 + len(leaves) * BOX_W + (len(leaves) - 1) * GAP_X
    height = PAD * 2 + (max(depth.values()) + 1) * BOX_H + max(depth.values()) * GAP_Y
    return Diagram(boxes, arrows, width, height)
