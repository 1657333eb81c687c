"""The Wikidata parser on the recorded entity documents, from a folder and fetched live."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from import_helpers import dataset_dir
from payload_server import Redirect, payload_server

from govgraph.core.errors import FetchFailed, ValidationFailed
from govgraph.graph.models import record_models
from govgraph.ingest import wikidata
from govgraph.ingest.batch import ExternalRef, ImportBatch, ImportItem
from govgraph.ingest.fetch import Fetcher

TODAY = date(2026, 11, 30)
RETRIEVED = date(2026, 11, 29)
ITEMS = {"Q1299", "Q3571994", "Q20145", "Q33281", "Q494290", "Q8646"}  # Q16231742 -> Q3571994


@pytest.fixture(scope="module")
def folder() -> Path:
    return dataset_dir("wikidata")


@pytest.fixture(scope="module")
def batch(folder: Path) -> ImportBatch:
    return wikidata.parse(wikidata.read_entities(folder), today=TODAY, retrieved=RETRIEVED)


def entity(folder: Path, file: str) -> dict[str, Any]:
    """The one entity of a recorded file, read straight from its JSON."""
    (only,) = json.loads((folder / f"{file}.json").read_bytes())["entities"].values()
    return only  # type: ignore[no-any-return]


def actor(batch: ImportBatch, qid: str) -> ImportItem:
    (found,) = [
        i
        for i in batch.items
        if i.type == "Actor"
        and i.refs[0] == ExternalRef("wikidata", qid, f"https://www.wikidata.org/wiki/{qid}")
    ]
    return found


def test_every_recorded_entity_parses_and_every_record_validates(batch: ImportBatch) -> None:
    assert batch.source == "wikidata" and batch.problems == []
    actors = [i for i in batch.items if i.type == "Actor"]
    assert {i.refs[0].value for i in actors} == ITEMS
    models = record_models()
    for item in batch.items:
        models[item.type].model_validate(item.record)  # raises on a bad record
        assert item.where.startswith(("Q", "P")) and "wikidata:Q" in item.where
    for item in actors:
        assert item.record["id"] == f"org:wd-{item.refs[0].value.lower()}"
        assert item.record["kind"] == "nonprofit" and item.compare == ("name", "url")
        (src,) = item.record["sources"]
        assert src in {i.record["id"] for i in batch.items if i.type == "Source"}
    # the two property documents are not actors: skipped, and said so
    skipped = [n for n in batch.notes if "not an item" in n]
    assert len(skipped) == 2 and any(n.startswith("P2003.json") for n in skipped)


def test_labels_aliases_website_and_description_read_right(
    batch: ImportBatch, folder: Path
) -> None:
    for file in ("Q1299", "Q20145", "Q494290", "Q8646", "Q33281"):
        raw = entity(folder, file)
        item = actor(batch, raw["id"])
        assert item.record["name"] == raw["labels"]["en"]["value"]
        en_aliases = raw["aliases"]["en"] if raw["aliases"] else []
        assert item.record.get("aliases", []) == [a["value"] for a in en_aliases]
        sites = raw["claims"].get("P856", [])
        assert item.record.get("url") == (
            sites[0]["mainsnak"]["datavalue"]["value"] if sites else None
        )
        assert item.claims["description"] == raw["descriptions"]["en"]["value"]
    beatles = actor(batch, "Q1299")
    assert beatles.record["url"] == "http://www.thebeatles.com"
    assert "Fab Four" in beatles.record["aliases"]


def test_inception_at_its_precision_and_the_best_ranked_country(
    batch: ImportBatch, folder: Path
) -> None:
    beatles_raw = entity(folder, "Q1299")["claims"]["P571"][0]["mainsnak"]["datavalue"]["value"]
    assert (beatles_raw["time"], beatles_raw["precision"]) == ("+1960-00-00T00:00:00Z", 9)
    assert actor(batch, "Q1299").claims["inception"] == "1960"  # a year, not 1960-01-01

    hk_raw = entity(folder, "Q8646")["claims"]
    preferred = [s for s in hk_raw["P571"] if s["rank"] == "preferred"]
    assert [s["mainsnak"]["datavalue"]["value"]["time"] for s in preferred] == [
        "+1997-07-01T00:00:00Z"
    ]
    hong_kong = actor(batch, "Q8646")
    assert hong_kong.claims["inception"] == "1997-07-01"  # preferred over the normal-rank 1841
    assert (
        hong_kong.claims["country"]
        == [s["mainsnak"]["datavalue"]["value"]["id"] for s in hk_raw["P17"]]
        == ["Q148"]
    )
    assert "inception" not in actor(batch, "Q20145").claims  # the file states none


def test_the_source_record_credits_wikidata(batch: ImportBatch, folder: Path) -> None:
    (src,) = [i for i in batch.items if i.record["id"] == "src:wikidata-q1299"]
    assert src.type == "Source"
    assert src.record == {
        "id": "src:wikidata-q1299",
        "kind": "secondary",
        "publisher": "Wikidata",
        "title": "The Beatles (Q1299)",
        "url": "https://www.wikidata.org/wiki/Q1299",
        "published": entity(folder, "Q1299")["modified"][:10],
        "retrieved": "2026-11-29",
        "licence": "CC0 1.0",
        "note": src.record["note"],
        "recorded_at": "2026-11-30",
    }


def test_a_redirect_is_recognised_and_both_ids_kept(batch: ImportBatch, folder: Path) -> None:
    answered = entity(folder, "Q16231742")["id"]
    assert answered == "Q3571994"
    item = actor(batch, answered)
    assert item.record["id"] == "org:wd-q3571994"
    assert [r.value for r in item.refs] == ["Q3571994", "Q16231742"]
    assert item.claims["redirected_from"] == "Q16231742"
    assert any(n.startswith("Q16231742.json: Q16231742 redirects to Q3571994") for n in batch.notes)


def test_wanted_qids_take_our_actor_ids(folder: Path) -> None:
    docs = wikidata.read_entities(folder)
    wanted = {"Q1299": "org:beatles", "Q16231742": "person:kangnam", "Q8646": "jurisdiction:hk"}
    batch = wikidata.parse(docs, today=TODAY, retrieved=RETRIEVED, wanted=wanted)
    ids = {
        i.refs[0].value: (i.record["id"], i.record["kind"])
        for i in batch.items
        if i.type == "Actor"
    }
    assert ids["Q1299"] == ("org:beatles", "nonprofit")
    assert ids["Q3571994"] == ("person:kangnam", "person")  # wanted under its old QID
    assert ids["Q8646"] == ("jurisdiction:hk", "jurisdiction")
    bad = wikidata.parse(docs[:1], today=TODAY, retrieved=RETRIEVED, wanted={"P2003": "x:y"})
    assert bad.problems == []  # a property is skipped before its mapping matters


def test_a_truncated_or_wrongly_encoded_file_is_a_problem_naming_it(
    folder: Path, tmp_path: Path
) -> None:
    whole = (folder / "Q1299.json").read_bytes()
    (tmp_path / "Q1299.json").write_bytes(whole[: len(whole) // 3])
    (tmp_path / "Q20145.json").write_bytes(
        (folder / "Q20145.json").read_text(encoding="utf-8").encode("utf-16")
    )
    (tmp_path / "Q8646.json").write_bytes((folder / "Q8646.json").read_bytes())
    batch = wikidata.parse(wikidata.read_entities(tmp_path), today=TODAY, retrieved=RETRIEVED)
    truncated, encoding = batch.problems
    assert truncated.startswith("Q1299.json: line 1 column ") and "truncated" in truncated
    assert encoding.startswith("Q20145.json: byte 0 is not UTF-8") and "Fix:" in encoding
    assert [i.refs[0].value for i in batch.items if i.type == "Actor"] == ["Q8646"]


def test_unreadable_input_fails_as_a_whole(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="no such file or folder"):
        wikidata.read_entities(tmp_path / "absent")
    with pytest.raises(ValidationFailed, match=r"no \*\.json entity files"):
        wikidata.read_entities(tmp_path)


def test_live_fetch_through_the_loopback_server_follows_redirects(
    folder: Path, batch: ImportBatch, tmp_path: Path
) -> None:
    base = "/wiki/Special:EntityData"
    routes: dict[str, str | Redirect] = {
        f"{base}/{q}.json": f"wikidata/{q}.json" for q in ("Q1299", "Q8646", "P2003")
    }
    routes[f"{base}/Q16231742.json"] = Redirect(f"{base}/Q3571994.json")
    routes[f"{base}/Q3571994.json"] = "wikidata/Q16231742.json"
    qids = ["Q1299", "Q16231742", "Q8646", "Q8646", "P2003"]
    with payload_server(folder.parent, routes) as server:
        with Fetcher(interval=0.0, backoff=0.01, contact="desk@example.org") as f:
            docs = wikidata.fetch_entities(f, server.url + "/", qids, tmp_path / "cache")
        targets = server.targets()
    assert targets == [
        f"{base}/Q1299.json",
        f"{base}/Q16231742.json",
        f"{base}/Q3571994.json",
        f"{base}/Q8646.json",
        f"{base}/P2003.json",
    ]
    assert all(
        "govgraph" in e.user_agent and "desk@example.org" in e.user_agent for e in server.log
    )
    assert [Path(name).name for name, _ in docs] == [
        "Q1299.json",
        "Q16231742.json",
        "Q8646.json",
        "P2003.json",
    ]
    for name, body in docs:
        assert Path(name).read_bytes() == body == (folder / Path(name).name).read_bytes()
    live = wikidata.parse(docs, today=TODAY, retrieved=RETRIEVED)
    assert live.problems == []
    for qid in ("Q1299", "Q3571994", "Q8646"):
        assert actor(live, qid) == actor(batch, qid)


def test_live_fetch_failures_say_what_was_kept(folder: Path, tmp_path: Path) -> None:
    with Fetcher() as f, pytest.raises(ValidationFailed, match="'Q12x' is not a Wikidata id"):
        wikidata.fetch_entities(f, "http://127.0.0.1:9", ["Q12x"], tmp_path)
    routes = {"/wiki/Special:EntityData/Q1299.json": "wikidata/Q1299.json"}
    with (
        payload_server(folder.parent, routes) as server,
        Fetcher(interval=0.0, backoff=0.01) as f,
        pytest.raises(FetchFailed) as failed,
    ):
        wikidata.fetch_entities(f, server.url, ["Q1299", "Q42"], tmp_path)
    assert failed.value.status == 404 and failed.value.url.endswith("/Q42.json")
    assert f"1 of 2 entities kept in {tmp_path}" in str(failed.value)
    assert (tmp_path / "Q1299.json").is_file()
