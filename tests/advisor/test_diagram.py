from advisor.diagram import layout
from advisor.flow import OUTCOMES, QUESTIONS


def test_every_node_and_answer_is_drawn():
    diagram = layout([])
    assert {b.key for b in diagram.boxes} == set(QUESTIONS) | set(OUTCOMES)
    assert len(diagram.arrows) == sum(len(q.answers) for q in QUESTIONS.values())


def test_route_is_highlighted():
    diagram = layout(["experience", "recognition", "advanced"])
    on = {b.key for b in diagram.boxes if b.on_route}
    assert on == {"experience", "recognition", "advanced"}
    assert [b.key for b in diagram.boxes if b.current] == ["advanced"]
    assert sum(a.on_route for a in diagram.arrows) == 2


def test_boxes_do_not_overlap_and_fit_the_canvas():
    diagram = layout([])
    for box in diagram.boxes:
        assert box.x >= 0 and box.x + 190 <= diagram.width
        assert box.y >= 0 and box.y + 64 <= diagram.height
    rows = {}
    for box in diagram.boxes:
        rows.setdefault(box.y, []).append(box.x)
    for xs in rows.values():
        xs.sort()
        assert all(b - a >= 190 for a, b in zip(xs, xs[1:], strict=False))
