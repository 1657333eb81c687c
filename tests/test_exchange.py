"""GraphML and GEXF read back by networkx, FollowTheMoney by its own library; the API and CLI."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
from conftest import app_client
from followthemoney import model
from ingest_helpers import cli

from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.ingest import exchange
from govgraph.ingest.batch import ImportBatch, ImportItem
from govgraph.ingest.exchange.ftm import entity_id
from govgraph.ingest.importing import run_import
from govgraph.ingest.validate import Dataset
from govgraph.ingest.writer import ingest

CAISI_REVIEW = "program:caisi-frontier-review"
IMPORTED = {"src:test-exchange-registry", "eo:99077", "event:imported-eo-99077-signed"}


def one(db: Database, cypher: str, **params: Any) -> Any:
    """The first row of a read, or None."""
    rows = db.rows(cypher, params)
    return rows[0] if rows else None


def graph_counts(db: Database) -> tuple[int, int, dict[str, int]]:
    """Records, relationships between records, and relationships per type, counted by Neo4j."""
    nodes = one(db, "MATCH (n:Record) RETURN count(n) AS n")["n"]
    rows = db.rows("MATCH (:Record)-[r]->(:Record) RETURN type(r) AS t, count(r) AS n")
    per_type = {r["t"]: r["n"] for r in rows}
    return nodes, sum(per_type.values()), per_type


def read_graphml(content: bytes) -> nx.MultiDiGraph:
    return nx.read_graphml(io.BytesIO(content), force_multigraph=True)


def ftm_entities(content: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in content.decode("utf-8").splitlines()]


def test_graphml_round_trips_through_networkx(curated: Database) -> None:
    download = exchange.render(curated, "graphml")
    graph = read_graphml(download.content)
    nodes, edges, per_type = graph_counts(curated)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    assert (download.records, download.relationships) == (nodes, edges)
    ids = {r["id"] for r in curated.rows("MATCH (n:Record) RETURN n.id AS id")}
    assert set(graph.nodes) == ids
    assert Counter(d["relation"] for *_, d in graph.edges(data=True)) == per_type

    review = one(
        curated, "MATCH (n {id: $id}) RETURN n.name AS name, n.status AS s", id=CAISI_REVIEW
    )
    attrs = graph.nodes[CAISI_REVIEW]
    assert attrs["label"] == attrs["name"] == review["name"]
    assert (attrs["record"], attrs["kind"], attrs["status"]) == (
        "Instrument",
        "program",
        review["s"],
    )
    assert attrs["reviewed"] is True

    joined = one(
        curated,
        "MATCH (a:Actor)-[r:PARTY_TO]->({id: $id}) RETURN a.id AS actor, r.event_id AS event, "
        "r.date AS date, toString(r.date_earliest) AS earliest ORDER BY actor LIMIT 1",
        id=CAISI_REVIEW,
    )
    edges = graph.get_edge_data(joined["actor"], CAISI_REVIEW)
    party = next(d for d in edges.values() if d["relation"] == "PARTY_TO")
    assert (party["event_id"], party["date"], party["date_earliest"]) == (
        joined["event"],
        joined["date"],
        joined["earliest"],
    )
    assert party["derived"] is True and party["label"] == "PARTY_TO"
    event = graph.nodes[joined["event"]]
    assert event["record"] == "Event" and event["date"] == joined["date"]


def test_gexf_loads_with_networkx_and_is_dated_by_its_data(curated: Database) -> None:
    content = exchange.render(curated, "gexf").content
    graph = nx.read_gexf(io.BytesIO(content))
    nodes, edges, _ = graph_counts(curated)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    openai = graph.nodes["org:openai"]
    assert (openai["label"], openai["kind"], openai["record"]) == ("OpenAI", "lab", "Actor")
    # edges keep our relationship ids, so a re-export merges in Gephi instead of duplicating
    ids = [d["id"] for *_, d in graph.edges(data=True)]
    assert len(set(ids)) == edges
    assert all(i.count("|") == 3 for i in ids)
    latest = one(curated, "MATCH (n:Record) RETURN toString(max(n.recorded_at)) AS d")["d"]
    meta = ET.fromstring(content).find("{http://www.gexf.net/1.2draft}meta")
    assert meta is not None and meta.get("lastmodifieddate") == latest


def test_ftm_round_trips_through_followthemoney(curated: Database) -> None:
    content = exchange.render(curated, "ftm").content
    lines = ftm_entities(content)
    by_id = {}
    for data in lines:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract, data
        assert schema.validate(data) is None, data
        proxy = model.get_proxy(data)
        assert proxy.id == data["id"] and proxy.id not in by_id
        by_id[proxy.id] = proxy
    # every reference (link ends, proof, involved) points at an entity of the file
    refs = [
        (p.id, prop.name, value)
        for p in by_id.values()
        for prop, value in p.itervalues()
        if prop.type.name == "entity"
    ]
    assert refs and all(value in by_id for _, _, value in refs)

    counts = Counter(p.schema.name for p in by_id.values())
    kinds = {
        r["k"]: r["n"]
        for r in curated.rows(
            "MATCH (n:Record) RETURN coalesce(n.kind, 'event') AS k, count(*) AS n"
        )
    }
    assert counts["Person"] == kinds["person"]
    assert counts["Company"] == kinds.get("lab", 0) + kinds.get("company", 0)
    assert counts["Event"] == kinds["event"]
    assert counts["Project"] == kinds["program"]
    assert counts["Article"] == kinds["news"]
    assert counts["Asset"] == kinds.get("model", 0)
    _, edges, per_type = graph_counts(curated)
    links = sum(n for name, n in counts.items() if model.get(name).edge)  # type: ignore[union-attr]
    assert links == edges - per_type["SOURCED_FROM"]  # sources are cited through proof
    successions = one(
        curated,
        "MATCH (a:Actor)-[r:SUCCEEDED_BY]->(b:Actor) WHERE a.kind <> 'model' "
        "AND b.kind <> 'model' RETURN count(r) AS n",
    )["n"]
    assert counts["Succession"] == successions

    person = one(
        curated, "MATCH (p:Person) RETURN p.id AS id, p.name AS name ORDER BY p.id LIMIT 1"
    )
    found = by_id[entity_id(person["id"])]
    assert found.schema.name == "Person" and found.get("name") == [person["name"]]
    openai = by_id["govgraph-org.openai"]
    assert openai.schema.is_a("Organization") and openai.get("name") == ["OpenAI"]
    assert all(by_id[s].schema.is_a("Document") for s in openai.get("proof"))
    assert openai.get("sourceUrl")

    # a party to the CAISI review: a ProjectParticipant with its date, event and sources
    joined = one(
        curated,
        "MATCH (a:Actor)-[r:PARTY_TO]->({id: $id}) WHERE a.kind <> 'model' "
        "RETURN a.id AS actor, r.event_id AS event, r.date_precision AS p, r.date AS date, "
        "r.sources AS sources ORDER BY actor LIMIT 1",
        id=CAISI_REVIEW,
    )
    link = next(
        p
        for p in by_id.values()
        if p.schema.name == "ProjectParticipant"
        and p.get("participant") == [entity_id(joined["actor"])]
        and p.get("project") == [entity_id(CAISI_REVIEW)]
    )
    assert link.get("recordId") == [joined["event"]]
    assert link.get("role") == ["party to"]
    assert set(link.get("proof")) == {entity_id(s) for s in joined["sources"]}
    if joined["p"] in ("day", "month", "year"):
        assert link.get("date") == [joined["date"]]
    # the event itself names who took part
    event = by_id[entity_id(joined["event"])]
    assert entity_id(joined["actor"]) in event.get("involved")
    # the same graph gives the same bytes
    assert exchange.render(curated, "ftm").content == content


def test_api_downloads_are_the_cli_export(
    curated: Database, settings: Settings, tmp_path: Path
) -> None:
    with app_client(settings) as client:
        for fmt, spec in exchange.FORMATS.items():
            done = cli("export", "--out", str(tmp_path), "--format", fmt)
            assert done.returncode == 0, done.stderr
            path = tmp_path / exchange.filename(fmt)
            assert f"relationships to {path}" in " ".join(done.stdout.split())
            response = client.get(f"/api/export/{fmt}")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith(spec.media_type)
            assert f'filename="{path.name}"' in response.headers["content-disposition"]
            assert response.content == path.read_bytes()
        bad = client.get("/api/export/xml")
        assert bad.status_code == 422
        assert "xml" in bad.json()["error"]["message"] or bad.json()["error"]["fix"]


def test_cli_refuses_unknown_formats_and_reviewed_only_for_dataset_files(
    curated: Database, tmp_path: Path
) -> None:
    bad = cli("export", "--out", str(tmp_path / "x"), "--format", "pajek")
    assert bad.returncode == 1
    assert "'pajek' is not one of yaml, csv, graphml, gexf, ftm" in bad.stderr
    mixed = cli("export", "--out", str(tmp_path / "y"), "--format", "yaml", "--reviewed-only")
    assert mixed.returncode == 1
    assert "--reviewed-only" in mixed.stderr and "not to yaml" in mixed.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def imported_batch() -> ImportBatch:
    """A source, an order and its signing, as an importer would hand them over (unreviewed)."""
    src = "src:test-exchange-registry"
    batch = ImportBatch("test-exchange")
    batch.add(
        ImportItem(
            "Source",
            {
                "id": src,
                "kind": "primary",
                "publisher": "Test Exchange Registry",
                "title": "An order the registry lists",
                "published": "2026-07-01",
                "url": "https://registry.example/exchange/1",
                "retrieved": "2026-11-30",
                "recorded_at": "2026-11-30",
            },
            "payload.json:1: source",
        )
    )
    batch.add(
        ImportItem(
            "Instrument",
            {
                "id": "eo:99077",
                "kind": "executive_order",
                "name": "Order 99077 on exchange formats, as the registry titles it",
                "number": "99077",
                "status": "in_force",
                "jurisdiction": "country:us",
                "sources": [src],
                "recorded_at": "2026-11-30",
            },
            "payload.json:2: order",
        )
    )
    batch.add(
        ImportItem(
            "Event",
            {
                "id": "event:imported-eo-99077-signed",
                "type": "signed",
                "date": "2026-07-01",
                "summary": "The president signed order 99077.",
                "status": "confirmed",
                "participants": [{"actor": "person:donald-trump", "role": "issuer"}],
                "concerns": [{"id": "eo:99077", "role": "subject"}],
                "sources": [src],
                "recorded_at": "2026-11-30",
            },
            "payload.json:3: signed",
        )
    )
    return batch


def test_reviewed_only_leaves_out_imported_facts(
    clean_db: Database, dataset: Dataset, settings: Settings
) -> None:
    ingest(clean_db, dataset)
    report = run_import(clean_db, imported_batch(), today=date(2026, 11, 30))
    assert report.ingest.types["Event"].created == 1
    unreviewed = {
        r["id"]
        for r in clean_db.rows("MATCH (n:Record) WHERE n.reviewed = false RETURN n.id AS id")
    }
    assert unreviewed == IMPORTED

    everything = read_graphml(exchange.render(clean_db, "graphml").content)
    assert set(everything.nodes) >= IMPORTED
    assert everything.nodes["eo:99077"]["reviewed"] is False
    issued = everything.get_edge_data("person:donald-trump", "eo:99077")
    assert [(d["relation"], d["reviewed"]) for d in issued.values()] == [("ISSUED", False)]

    reviewed = exchange.render(clean_db, "graphml", reviewed_only=True)
    graph = read_graphml(reviewed.content)
    assert not IMPORTED & set(graph.nodes)
    assert graph.number_of_nodes() == everything.number_of_nodes() - len(IMPORTED)
    assert all(d["reviewed"] for *_, d in graph.edges(data=True))
    assert all(d["reviewed"] for _, d in graph.nodes(data=True))
    kept = one(
        clean_db,
        "MATCH (a:Record)-[r]->(b:Record) WHERE coalesce(r.reviewed, true) "
        "AND coalesce(a.reviewed, true) AND coalesce(b.reviewed, true) RETURN count(r) AS n",
    )["n"]
    assert graph.number_of_edges() == kept < everything.number_of_edges()

    ftm_all = {e["id"]: e for e in ftm_entities(exchange.render(clean_db, "ftm").content)}
    assert "unreviewed" in ftm_all[entity_id("eo:99077")]["properties"]["keywords"]
    ftm_reviewed = exchange.render(clean_db, "ftm", reviewed_only=True).content
    assert entity_id("eo:99077") not in ftm_reviewed.decode("utf-8")
    assert "src.test-exchange-registry" not in ftm_reviewed.decode("utf-8")

    with app_client(settings) as client:
        response = client.get("/api/export/graphml", params={"reviewed_only": "true"})
        assert response.status_code == 200
        assert (
            'filename="govgraph-reviewed-only.graphml"' in response.headers["content-disposition"]
        )
        assert response.content == reviewed.content
