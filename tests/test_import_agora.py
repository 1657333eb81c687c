"""The AGORA importer's parser against a real release, and against broken input."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from import_helpers import dataset_dir

from govgraph import PROJECT_ROOT
from govgraph.core.errors import ValidationFailed
from govgraph.graph.models import record_models
from govgraph.graph.schema import load_schema
from govgraph.ingest import agora, agora_csv, agora_kinds
from govgraph.ingest.batch import ImportBatch, ImportItem
from govgraph.ingest.validate import Dataset, Located, cross_checks

TODAY = date(2026, 11, 30)
RETRIEVED = date(2026, 11, 29)


def parse(files: dict[str, tuple[str, bytes]]) -> ImportBatch:
    return agora.parse(files, today=TODAY, retrieved=RETRIEVED)


@pytest.fixture(scope="module")
def release() -> Path:
    return dataset_dir("agora")


@pytest.fixture(scope="module")
def batch(release: Path) -> ImportBatch:
    return parse(agora.read_release(release))


def rows(release: Path, name: str) -> list[dict[str, str]]:
    """A release file read with the csv module alone, to count against."""
    with (release / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def of_type(batch: ImportBatch, type_name: str) -> list[ImportItem]:
    return [i for i in batch.items if i.type == type_name]


def by_id(batch: ImportBatch) -> dict[str, ImportItem]:
    return {i.record["id"]: i for i in batch.items}


def instrument_by_agora(batch: ImportBatch) -> dict[str, ImportItem]:
    return {r.value: i for i in of_type(batch, "Instrument") for r in i.refs if r.scheme == "agora"}


def authority_actors(batch: ImportBatch) -> dict[str, ImportItem]:
    return {
        r.value: i for i in of_type(batch, "Actor") for r in i.refs if r.scheme == "agora_authority"
    }


def not_actor(name: str) -> bool:
    return name in agora_kinds.PLACEHOLDERS or name in agora_kinds.COLLECTIVES


def test_every_document_becomes_one_instrument(release: Path, batch: ImportBatch) -> None:
    docs = rows(release, "documents.csv")
    assert batch.problems == []
    found = instrument_by_agora(batch)
    assert len(of_type(batch, "Instrument")) == len(docs)
    assert set(found) == {d["AGORA ID"] for d in docs}
    for doc in docs:
        item = found[doc["AGORA ID"]]
        official = " ".join(doc["Official name"].split())
        if item.record["kind"] == "executive_order":  # the order's title; AGORA's form an alias
            assert official in [item.record["name"], *item.record.get("aliases", [])]
            assert not item.record["name"].startswith("Executive Order")
        else:
            assert item.record["name"] == official
        assert item.record["sources"] == [f"src:agora-{doc['AGORA ID']}"]
        assert item.compare == ("name", "status")
        status = {"Enacted": "in_force", "Proposed": "proposed", "Defunct": "expired"}
        expected = status[doc["Most recent activity"]]
        if expected == "in_force" and item.record["kind"] not in {"law", "executive_order"}:
            # adopted, for a voluntary text; signed, awaiting ratification, for a treaty
            expected = "unknown" if item.record["kind"] == "treaty" else "active"
        assert item.record["status"] == expected
        assert re.fullmatch(rf"[a-z]+:agora-{doc['AGORA ID']}|eo:\d+", item.record["id"])
        assert item.where.startswith("documents.csv:")


def test_every_authority_a_document_names_is_an_actor(release: Path, batch: ImportBatch) -> None:
    docs = rows(release, "documents.csv")
    named = {d["Authority"] for d in docs} - agora_kinds.PLACEHOLDERS - agora_kinds.COLLECTIVES
    actors = authority_actors(batch)
    assert named <= set(actors)
    table = [a["Name"] for a in rows(release, "authorities.csv")]
    assert set(actors) == {n for n in table if not not_actor(n)}
    events = of_type(batch, "Event")
    issuers: dict[str, set[str]] = {}
    for e in events:
        subject = e.record["concerns"][0]["id"]
        issuers.setdefault(subject, set()).add(e.record["participants"][0]["actor"])
    found = instrument_by_agora(batch)
    groups = 0
    for doc in docs:
        inst = found[doc["AGORA ID"]].record["id"]
        if not_actor(doc["Authority"]):
            assert inst not in issuers  # a group issues nothing: no event, and a note says so
            assert "jurisdiction" not in found[doc["AGORA ID"]].record or doc["Authority"] in (
                agora_kinds.COLLECTIVES
            )
            groups += 1
        else:
            assert issuers[inst] == {actors[doc["Authority"]].record["id"]}
    assert groups > 0
    assert batch.notes[0].startswith(f"{groups} document(s) have a group as their AGORA authority")


def curated() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every record of data/*.yaml by id: (type, raw record); read as text, not validated."""
    types = {"actors": "Actor", "instruments": "Instrument", "sources": "Source"}
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted((PROJECT_ROOT / "data").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, type_name in types.items():
            for rec in data.get(key) or []:
                found[rec["id"]] = (type_name, rec)
    return found


def test_every_item_validates_and_every_reference_resolves(batch: ImportBatch) -> None:
    models = record_models()
    located: dict[str, list[Located]] = {}
    for item in batch.items:
        model = models[item.type].model_validate(item.record)
        located.setdefault(item.type, []).append(Located(item.type, model, item.where, 0))
    ids = [i.record["id"] for i in batch.items]
    assert len(ids) == len(set(ids))
    known = {rid: t for rid, (t, _) in curated().items() if rid not in set(ids)}
    # The shared cross-checks: id prefixes by kind, references, dates before recorded_at.
    assert cross_checks(load_schema(), Dataset(records=located), TODAY, known) == []


def test_curated_authorities_are_the_actors_of_data() -> None:
    records = curated()
    for agora_name, (rid, kind, name) in agora_kinds.CURATED.items():
        type_name, rec = records[rid]
        assert (type_name, rec["kind"], rec["name"]) == ("Actor", kind, name), agora_name
    for rid in agora_kinds.JURISDICTIONS.values():
        assert records[rid][0] == "Actor"


def test_authority_hierarchy_becomes_parent_refs(release: Path, batch: ImportBatch) -> None:
    table = {a["Name"]: a for a in rows(release, "authorities.csv")}
    actors = authority_actors(batch)
    with_parent = 0
    for name, item in actors.items():
        parent = table[name]["Parent authority"]
        if name in agora_kinds.CURATED:
            assert "parent" not in item.record  # where a curated actor sits is ours to say
            continue
        if not parent:
            assert "parent" not in item.record
        elif parent in actors:
            assert item.record["parent"] == actors[parent].record["id"]
            with_parent += 1
        else:  # a group of governments stands for its jurisdiction: a state is part of the US
            assert parent in agora_kinds.COLLECTIVES
            assert item.record["parent"] == agora_kinds.JURISDICTIONS[table[parent]["Jurisdiction"]]
            with_parent += 1
    assert with_parent > 0
    fda = actors["Food and Drug Administration"].record
    assert (fda["kind"], fda["parent"], fda["country"]) == ("agency", "country:us", "country:us")
    california = actors["California"].record
    assert (california["kind"], california["parent"]) == ("jurisdiction", "country:us")
    congress = actors["United States Congress"].record
    assert congress["kind"] == "legislature"
    assert actors["Chinese central government"].record["id"] == "country:china"
    assert actors["Department of Commerce"].compare == ()
    assert actors["California"].compare == ("name",)


def test_executive_orders_map_to_their_numbers(release: Path, batch: ImportBatch) -> None:
    docs = rows(release, "documents.csv")
    numbered = {}
    for d in docs:
        found = re.search(r"\(EO (\d{5})\)", d["Official name"] + " " + d["Casual name"])
        if found and d["Authority"] == "Executive Office of the President":
            numbered[d["AGORA ID"]] = found.group(1)
    assert {"13859", "14110"} <= set(numbered.values())
    items = instrument_by_agora(batch)
    for agora_id, number in numbered.items():
        rec = items[agora_id]
        assert rec.record["id"] == f"eo:{number}"
        assert rec.record["kind"] == "executive_order"
        assert rec.record["number"] == number
        assert ("eo", number) in {(r.scheme, r.value) for r in rec.refs}
        assert f"EO {number}" in rec.record["aliases"]
    eo = by_id(batch)["eo:13859"]
    refs = {r.scheme: r for r in eo.refs}
    assert refs["fr_document"].value == "2019-02544"  # the Federal Register's id, for matching
    assert refs["agora"].value == "1111"
    assert eo.record["jurisdiction"] == "country:us"
    enacted = by_id(batch)["event:agora-1111-enacted"].record
    assert enacted["date"] == "2019-02-11"
    assert enacted["participants"] == [{"actor": "office:white-house", "role": "issuer"}]
    # EO 14110's number is only in AGORA's casual name; its bare title is its name.
    eo14110 = by_id(batch)["eo:14110"].record
    assert eo14110["name"] == (
        "Safe, Secure, and Trustworthy Development and Use of Artificial Intelligence"
    )
    assert eo14110["aliases"][0] == (
        "Executive Order on the Safe, Secure, and Trustworthy Development and Use of Artificial "
        "Intelligence"
    )
    assert by_id(batch)["eo:13859"].record["name"] == (
        "Maintaining American Leadership in Artificial Intelligence"
    )


def test_kinds_follow_collections_and_names(release: Path, batch: ImportBatch) -> None:
    items = instrument_by_agora(batch)
    for d in rows(release, "documents.csv"):
        cols = set(d["Collections"].split(";"))
        kind = items[d["AGORA ID"]].record["kind"]
        if "Corporate policies and commitments" in cols:
            assert kind == "commitments"
            assert items[d["AGORA ID"]].record["id"].startswith("agreement:agora-")
        elif cols & agora_kinds.LAW_COLLECTIONS:
            assert kind == "law"
    expected = {
        "757": "law",  # the EU AI Act
        "772": "policy",  # NIST AI RMF
        "1046": "declaration",  # the Bletchley Declaration
        "1379": "treaty",  # Council of Europe convention
        "1383": "code_of_practice",  # Hiroshima code of conduct
        "1137": "law",  # China's interim measures on generative AI
        "1029": "policy",  # HUD guidance, though it names an Act
    }
    assert {k: items[k].record["kind"] for k in expected} == expected


def test_machine_written_summaries_say_so(release: Path, batch: ImportBatch) -> None:
    items = instrument_by_agora(batch)
    counts = {"true": 0, "false": 0}
    for d in rows(release, "documents.csv"):
        rec = items[d["AGORA ID"]].record
        flag = d["Summaries and tags may include unreviewed machine output"]
        if not d["Short summary"].strip():
            assert "summary" not in rec and "summary_by" not in rec
            continue
        counts[flag] += 1
        assert rec["summary"] == " ".join(d["Short summary"].split())
        assert rec["summary_by"] == (
            agora.MACHINE_SUMMARY_BY if flag == "true" else agora.SUMMARY_BY
        )
        assert ("unreviewed machine output" in rec["summary_by"]) == (flag == "true")
    assert counts["true"] > 0 and counts["false"] > 0


def test_dated_events_follow_activity(release: Path, batch: ImportBatch) -> None:
    items = by_id(batch)
    for d in rows(release, "documents.csv"):
        if not_actor(d["Authority"]):
            continue
        base = f"event:agora-{d['AGORA ID']}"
        activity, acted, proposed = (
            d["Most recent activity"],
            d["Most recent activity date"],
            d["Proposed date"],
        )
        if proposed or activity == "Proposed":
            assert items[f"{base}-proposed"].record["date"] == (proposed or acted)
        else:
            assert f"{base}-proposed" not in items
        for status, kind in (("Enacted", "enacted"), ("Defunct", "lapsed")):
            if activity == status:
                assert items[f"{base}-{kind}"].record["date"] == acted
            else:
                assert f"{base}-{kind}" not in items
    event = items["event:agora-380-lapsed"]
    assert event.record["status"] == "reported"
    assert event.compare == ("date",)
    assert event.record["concerns"] == [{"id": "law:agora-380", "role": "subject"}]


def test_each_document_cites_its_agora_entry(release: Path, batch: ImportBatch) -> None:
    items = by_id(batch)
    for d in rows(release, "documents.csv"):
        src = items[f"src:agora-{d['AGORA ID']}"].record
        assert src["publisher"] == "AGORA, Emerging Technology Observatory"
        assert src["url"] == d["Link to document"]
        assert src["published"] == d["Most recent activity date"]
        assert src["retrieved"] == RETRIEVED.isoformat()
        assert "non-commercial" in src["licence"]
        assert "10.5281/zenodo.13883066" in src["note"]
        for col in filter(None, d["Collections"].split(";")):
            assert col in src["note"]
    assert items["src:agora-authorities"].record["published"].endswith("/..")


def release_zip(release: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("documents.csv", "authorities.csv", "collections.csv"):
            z.write(release / name, f"agora-release/{name}")  # a release nests its files
    return target


def comparable(batch: ImportBatch) -> list[tuple[Any, ...]]:
    return [(i.type, i.record, i.refs, i.compare, i.claims) for i in batch.items]


def test_the_zip_reads_as_the_folder(release: Path, batch: ImportBatch, tmp_path: Path) -> None:
    zipped = agora.read_release(release_zip(release, tmp_path / "agora.zip"))
    assert zipped["documents"][0] == "agora.zip/agora-release/documents.csv"
    from_zip = parse(zipped)
    assert from_zip.problems == []
    assert comparable(from_zip) == comparable(batch)
    assert from_zip.notes == batch.notes


def test_a_truncated_zip_is_refused(release: Path, tmp_path: Path) -> None:
    path = release_zip(release, tmp_path / "agora.zip")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ValidationFailed) as err:
        agora.read_release(path)
    assert "agora.zip: not a readable zip archive" in str(err.value)
    assert "truncated" in str(err.value) and "Fix: download the release again" in str(err.value)


def test_a_release_missing_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "documents.csv").write_text(DOC_HEADER + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        agora.read_release(tmp_path)
    assert err.value.problems == [
        f"{tmp_path}: no {n} in this AGORA release. Fix: {agora_csv.RELEASE_FIX}."
        for n in ("authorities.csv", "collections.csv")
    ]


# A small release written here, for input the real one does not have.
DOC_HEADER = ",".join(agora_csv.REQUIRED["documents"])
AUTHORITIES = (
    "Name,Jurisdiction,Parent authority\n"
    "Federal government,United States,\n"
    "United States Congress,United States,Federal government\n"
    "Private-sector companies,,\n"
)
COLLECTIONS = "Name,Description\nU.S. federal laws,Federal laws.\nEditors' Picks,Picks.\n"


def doc(agora_id: str, **values: str) -> dict[str, str]:
    row = {
        "AGORA ID": agora_id,
        "Official name": f"Test Act {agora_id}",
        "Casual name": f"Test Act {agora_id}",
        "Link to document": f"https://example.org/{agora_id}",
        "Authority": "United States Congress",
        "Collections": "U.S. federal laws",
        "Most recent activity": "Proposed",
        "Most recent activity date": "2024-01-02",
        "Proposed date": "2024-01-02",
        "Short summary": "A summary\nover two lines.",
        "Tags": "",
        "Summaries and tags may include unreviewed machine output": "false",
    }
    row.update(values)
    return row


def mini(
    docs: list[dict[str, str]], authorities: str = AUTHORITIES, collections: str = COLLECTIONS
) -> dict[str, tuple[str, bytes]]:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=list(docs[0]) if docs else agora_csv.REQUIRED["documents"]
    )
    writer.writeheader()
    writer.writerows(docs)
    return {
        "documents": ("documents.csv", out.getvalue().encode("utf-8")),
        "authorities": ("authorities.csv", authorities.encode("utf-8")),
        "collections": ("collections.csv", collections.encode("utf-8")),
    }


def test_a_small_release_parses_cleanly() -> None:
    got = parse(mini([doc("1"), doc("2", **{"Most recent activity": "Enacted"})]))
    assert got.problems == []
    ids = {i.record["id"] for i in got.items}
    assert {"law:agora-1", "law:agora-2", "event:agora-2-enacted", "event:agora-1-proposed"} <= ids
    assert by_id(got)["law:agora-1"].record["summary"] == "A summary over two lines."


def test_a_missing_column_is_one_clear_problem() -> None:
    files = mini([{k: v for k, v in doc("1").items() if k != "Proposed date"}])
    got = parse(files)
    assert got.items == []
    assert len(got.problems) == 1
    assert got.problems[0].startswith("documents.csv:1: missing column 'Proposed date'. Fix: ")


def test_a_latin1_file_names_the_byte_and_the_fix() -> None:
    files = mini([doc("1")])
    text = AUTHORITIES + "Québec,Other countries,\n"
    files["authorities"] = ("authorities.csv", text.encode("latin-1"))
    got = parse(files)
    offset = text.encode("latin-1").index("é".encode("latin-1"))
    assert got.items == []
    assert got.problems == [
        f"authorities.csv:5: byte {offset} is not UTF-8 (invalid continuation byte). "
        "Fix: save the file as UTF-8, as AGORA publishes it, or download the release again."
    ]


def test_a_utf8_bom_is_read() -> None:
    files = mini([doc("1")])
    name, data = files["documents"]
    files["documents"] = (name, b"\xef\xbb\xbf" + data)
    assert parse(files).problems == []


def test_an_unknown_collection_or_kind_is_a_problem_not_a_guess() -> None:
    collections = COLLECTIONS + "Space law,Laws of outer space.\n"
    docs = [
        doc("1"),
        doc("2", Collections="Space law"),
        doc(
            "3",
            **{"Official name": "Zeta Omega", "Casual name": "", "Collections": "Editors' Picks"},
            Authority="Private-sector companies",
        ),
        doc("4", Collections="Not in the release"),
    ]
    got = parse(mini(docs, collections=collections))
    # Line 2 holds record 1 over two lines (its summary has a line break); record 2 is line 4.
    assert got.problems[0].startswith(
        "documents.csv:4: agora:2: unknown AGORA collection 'Space law'"
    )
    assert "Fix: add it to the collection tables in ingest/agora_kinds.py" in got.problems[0]
    assert got.problems[1].startswith("documents.csv:6: agora:3: unknown AGORA kind:")
    assert "'Zeta Omega'" in got.problems[1] and "Fix: extend the mapping" in got.problems[1]
    assert got.problems[2].startswith(
        "documents.csv:8: agora:4: collection 'Not in the release' is not in collections.csv."
    )
    assert len(got.problems) == 3
    agora_ids = {r.value for i in got.items for r in i.refs if r.scheme == "agora"}
    assert agora_ids == {"1"}  # the bad rows give nothing, and the lead writes nothing at all


def test_an_impossible_date_names_row_and_column() -> None:
    docs = [doc("1"), doc("2", **{"Proposed date": "2024-02-30"})]
    docs.append(doc("3", **{"Most recent activity date": "2031-01-01"}))
    got = parse(mini(docs))
    assert got.problems == [
        "documents.csv:4: agora:2: column 'Proposed date' has '2024-02-30', not a real date. "
        "Fix: write it as YYYY-MM-DD (a day that exists), or leave it empty when unknown.",
        "documents.csv:6: agora:3: column 'Most recent activity date' has 2031-01-01, after "
        f"the import day {TODAY}. Fix: correct the date; AGORA records activity that has "
        "happened.",
    ]


def test_unknown_activity_authority_and_a_cut_file() -> None:
    files = mini(
        [
            doc("1", **{"Most recent activity": "Vetoed"}),
            doc("2", Authority="Nowhere Council"),
            doc("3"),
        ]
    )
    name, data = files["documents"]
    files["documents"] = (name, data[: data.rindex(b"2024-01-02")])  # cut inside record 3
    got = parse(files)
    # The cut file is found while reading it, before any row is mapped.
    assert got.problems[0].startswith(
        "documents.csv:6: 9 fields where the header has 12. Fix: the file is cut short"
    )
    assert got.problems[1].startswith(
        "documents.csv:2: agora:1: most recent activity 'Vetoed' is not one of Enacted, "
        "Proposed, Defunct. Fix: "
    )
    assert got.problems[2].startswith(
        "documents.csv:4: agora:2: authority 'Nowhere Council' is not in authorities.csv"
    )
    assert len(got.problems) == 3


def test_an_authority_the_mapping_cannot_place() -> None:
    authorities = AUTHORITIES + "Council of Elders,Other countries,\n"
    got = parse(mini([doc("1")], authorities=authorities))
    assert got.problems == [
        "authorities.csv:5: unknown AGORA authority 'Council of Elders': the mapping cannot "
        "tell what kind of actor it is. Fix: add it to AUTHORITY_KINDS (or CURATED, when it "
        "is an actor of data/) in ingest/agora_kinds.py."
    ]


def test_a_state_named_like_a_country_is_not_taken_for_it(batch: ImportBatch) -> None:
    records = curated()
    countries = {
        rec["name"] for t, rec in records.values() if t == "Actor" and rec["kind"] == "country"
    }
    georgia = authority_actors(batch)["Georgia"].record
    assert georgia["name"] == "State of Georgia" and "aliases" not in georgia
    for item in of_type(batch, "Actor"):
        if item.record["kind"] == "jurisdiction":
            names = {item.record["name"], *item.record.get("aliases", [])}
            assert not names & countries, item.where
