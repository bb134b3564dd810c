"""The class view's nodes: read from the hub's snapshot, one summary line each (several
nodes only), gone nodes and their learners, and many nodes sharing the last line."""

from __future__ import annotations

from neuron_tui.class_view.model import Learner, Node, Snapshot, read_snapshot
from neuron_tui.class_view.summary import MAX_NODE_LINES, node_lines, title_line

NOW = 1_800_000_000.0


def test_nodes_are_read_with_their_load_and_whether_they_are_gone() -> None:
    snapshot = read_snapshot({"t": "class", "nodes": [
        {"name": "a", "sessions": 3, "max_sessions": 40, "load": 0.5, "gone": False},
        {"name": "b", "sessions": 2, "max_sessions": 40, "load": "high", "gone": "yes",
         "heartbeat": NOW - 20},
        {"name": "c", "sessions": 1, "max_sessions": 40, "gone": True, "heartbeat": -1},
    ]})
    assert snapshot.nodes == (
        Node("a", 3, 40, 0.5, False, None),
        Node("b", 2, 40, None, False, NOW - 20),  # only `true` means gone
        Node("c", 1, 40, None, True, None),
    )


def test_one_node_has_no_line_of_its_own_and_the_title_names_it() -> None:
    one = Snapshot(nodes=(Node("room", 3, 40, 0.5),))
    assert node_lines(one, NOW, 80) == []
    assert title_line(one, "name", 200).endswith("room 3/40")


def test_each_node_has_a_line_and_a_gone_one_counts_who_was_last_seen_there() -> None:
    snapshot = Snapshot(
        learners=(Learner("ada", "Ada", connected=False, node="b"),
                  Learner("bo", "Bo", connected=True, node="a"),
                  Learner("cy", "Cy", connected=False, node="")),
        nodes=(Node("a", 1, 40, 0.25), Node("b", 1, 40, None, True, NOW - 75)),
    )
    assert node_lines(snapshot, NOW, 80) == ["node a 1/40 load 0.25",
                                             "node b gone 1m · 1 last seen"]
    assert title_line(snapshot, "name", 200).endswith("3 learners · 2 nodes")


def test_many_nodes_share_the_last_line_as_far_as_it_fits() -> None:
    nodes = tuple(Node(f"node-{number:02d}", number, 40, 1.0) for number in range(12))
    lines = node_lines(Snapshot(nodes=nodes), NOW, 80)
    assert len(lines) == MAX_NODE_LINES
    assert lines[:2] == ["node node-00 0/40 load 1.00", "node node-01 1/40 load 1.00"]
    assert lines[2].startswith("+10 nodes: node-02 2/40 load 1.00 · node-03")
    assert len(lines[2]) <= 80
