"""Each rule has one definition, and the places that present it cover it exactly."""

from __future__ import annotations

from govgraph import queries
from govgraph.api import graph_style, graph_views
from govgraph.graph.schema import RECORD_LABEL, load_schema


def test_every_schema_kind_has_a_graph_style_and_no_style_is_stale() -> None:
    kinds = {*load_schema().entity_kinds, "event", "source"}
    assert set(graph_style.KIND_STYLE) == kinds


def test_the_parties_colours_are_the_standings_the_queries_answer() -> None:
    standings = set(queries.CHOICES["standing"]) - {"any"}
    assert standings <= set(graph_views.STANDING_ORDER)
    assert set(graph_style.STATUS_STYLE) == set(graph_views.STANDING_ORDER)
    assert set(graph_views.STANDING_ORDER) - standings == {"joined", "joined_uncertain", "presser"}


def test_role_direction_is_declared_once_in_the_schema() -> None:
    schema = load_schema()
    participants = schema.types["Event"].props["participants"]
    assert participants.reverse
    assert participants.ends("Event", "Actor") == ("Actor", "Event")
    concerns = schema.types["Event"].props["concerns"]
    assert not concerns.reverse and concerns.ends("Event", "Entity") == ("Event", "Entity")


def test_every_record_type_carries_the_common_record_label() -> None:
    for rt in load_schema().types.values():
        for kind in (None, *rt.kinds):
            assert RECORD_LABEL in rt.labels_for(kind), (rt.name, kind)
