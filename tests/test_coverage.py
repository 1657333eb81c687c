"""What the curated record covers, counted from the data files (each topic file is a category)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from govgraph.ingest.validate import Dataset, Located

EU_MEMBERS = {
    "austria", "belgium", "bulgaria", "croatia", "cyprus", "czechia", "denmark", "estonia",
    "finland", "france", "germany", "greece", "hungary", "ireland", "italy", "latvia",
    "lithuania", "luxembourg", "malta", "netherlands", "poland", "portugal", "romania",
    "slovakia", "slovenia", "spain", "sweden",
}  # fmt: skip
ASIA = {"china", "japan", "south-korea", "india", "singapore", "indonesia", "malaysia",
        "philippines", "turkiye"}  # fmt: skip


def _events(dataset: Dataset, file: str) -> list[Located]:
    return [e for e in dataset.of("Event") if Path(e.file).name == file]


def _actors(dataset: Dataset) -> dict[str, Any]:
    return {a.id: a.record for a in dataset.of("Actor")}


def _places(dataset: Dataset, event: Located) -> set[str]:
    """The countries and jurisdictions an event's participants belong to."""
    actors = _actors(dataset)
    out = set()
    for p in event.record.participants:  # type: ignore[attr-defined]
        rec = actors[p.actor]
        if rec.kind in {"country", "jurisdiction"}:
            out.add(rec.id)
        if getattr(rec, "country", None):
            out.add(rec.country)
    return out


def _region(place: str, actors: dict[str, Any]) -> str | None:
    name = place.split(":", 1)[1]
    if place == "country:us" or getattr(actors.get(place), "country", None) == "country:us":
        return "US"
    if place == "country:uk":
        return "UK"
    if place == "jurisdiction:eu" or name in EU_MEMBERS:
        return "EU"
    if name in ASIA:
        return "Asia"
    return None


@pytest.mark.parametrize(
    ("file", "minimum"),
    [
        ("us-states.yaml", 12),
        ("lab-frameworks.yaml", 10),
        ("enforcement.yaml", 15),
        ("multilateral.yaml", 12),
        ("asia-pacific.yaml", 12),
    ],
)
def test_each_topic_has_its_minimum(dataset: Dataset, file: str, minimum: int) -> None:
    assert len(_events(dataset, file)) >= minimum


def test_state_laws_span_four_states(dataset: Dataset) -> None:
    actors = _actors(dataset)
    states = {
        place
        for e in _events(dataset, "us-states.yaml")
        for place in _places(dataset, e)
        if place.startswith("jurisdiction:us-") and actors[place].country == "country:us"
    }
    assert len(states) >= 4, states


def test_enforcement_spans_us_eu_uk_and_asia(dataset: Dataset) -> None:
    actors = _actors(dataset)
    regions = Counter(
        region
        for e in _events(dataset, "enforcement.yaml")
        for region in {_region(p, actors) for p in _places(dataset, e)}
        if region
    )
    assert set(regions) >= {"US", "EU", "UK", "Asia"}, regions


def test_incidents_use_the_incident_model(dataset: Dataset) -> None:
    kinds = Counter(e.record.type for e in _events(dataset, "enforcement.yaml"))  # type: ignore[attr-defined]
    assert kinds["ordered"] + kinds["suspended_access"] + kinds["restricted_access"] >= 10, kinds


def test_2026_beyond_the_seed_story(dataset: Dataset) -> None:
    later = [
        e
        for e in dataset.of("Event")
        if str(e.record.date).lstrip(".").lstrip("/").startswith("2026")  # type: ignore[attr-defined]
        and Path(e.file).name != "caisi-review-2026.yaml"
    ]
    assert len(later) >= 25


def test_totals(dataset: Dataset) -> None:
    assert len(dataset.of("Event")) >= 500
    assert len(dataset.of("Actor")) >= 150


def test_nine_sources_in_ten_have_a_link(dataset: Dataset) -> None:
    sources = dataset.of("Source")
    linked = [s for s in sources if s.record.url]  # type: ignore[attr-defined]
    assert len(linked) / len(sources) >= 0.9, f"{len(linked)} of {len(sources)}"


def test_verified_links_have_a_url_and_second_hand_sources_say_whom_they_follow(
    dataset: Dataset,
) -> None:
    for s in dataset.of("Source"):
        rec: Any = s.record
        if rec.verified_on:
            assert rec.url, f"{s.place}: verified_on without a url"
        if rec.access == "second_hand":
            assert rec.cites or rec.note, f"{s.place}: second-hand source says not through whom"


def test_the_launch_of_the_network_is_one_record(dataset: Dataset) -> None:
    kept = [e for e in dataset.of("Event") if e.record.former_ids]  # type: ignore[attr-defined]
    assert kept, "the merged duplicate keeps its old id"
    ids = dataset.ids()
    for e in kept:
        for old in e.record.former_ids:  # type: ignore[attr-defined]
            assert old not in ids, f"{old} is both a former id and a record"
