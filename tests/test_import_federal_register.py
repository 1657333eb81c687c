"""The Federal Register importer's parser, against the recorded API payloads (no Neo4j)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from import_helpers import dataset_dir

from govgraph.core.errors import ValidationFailed
from govgraph.graph.models import record_models
from govgraph.graph.schema import load_schema
from govgraph.ingest import federal_register as fr
from govgraph.ingest.batch import ImportBatch, ImportItem
from govgraph.ingest.fr_notes import NoteError, parse_notes
from govgraph.ingest.validate import Dataset, Located, cross_checks

DAY = date(2026, 11, 30)
PRESIDENT_FILES = (
    "william-j-clinton.json",
    "george-w-bush.json",
    "barack-obama.json",
    "donald-trump.json",
)
VERBS = {"Revokes": "revokes", "Amends": "amends", "Supersedes": "supersedes"}


@pytest.fixture(scope="module")
def fr_dir() -> Path:
    return dataset_dir("federal-register")


@pytest.fixture(scope="module")
def pages(fr_dir: Path) -> list[tuple[str, bytes]]:
    return [page for name in PRESIDENT_FILES for page in fr.read_pages(fr_dir / name)]


@pytest.fixture(scope="module")
def results(fr_dir: Path) -> list[dict[str, Any]]:
    return [
        r for name in PRESIDENT_FILES for r in json.loads((fr_dir / name).read_text())["results"]
    ]


@pytest.fixture(scope="module")
def everything(pages: list[tuple[str, bytes]]) -> ImportBatch:
    return fr.parse(pages, today=DAY, retrieved=DAY, all_orders=True)


def _by_id(batch: ImportBatch, kind: str) -> dict[str, ImportItem]:
    return {str(i.record["id"]): i for i in batch.items if i.type == kind}


def _imported_orders(batch: ImportBatch) -> dict[str, ImportItem]:
    """Orders read from the pages (not stubs named only in notes): they have refs to a document."""
    return {
        pid: item
        for pid, item in _by_id(batch, "Instrument").items()
        if any(r.scheme == "fr_document" for r in item.refs)
    }


def test_all_orders_load_with_numbers_and_dates(everything: ImportBatch, results: list) -> None:
    distinct = {r["executive_order_number"] for r in results}
    assert len(distinct) == len(results) == 968  # the count holds: no duplicates
    assert everything.problems == []
    orders = _imported_orders(everything)
    assert len(orders) == 968
    assert len(_by_id(everything, "Source")) == 968
    events = _by_id(everything, "Event")
    for raw in results[::37]:
        number = str(raw["executive_order_number"])
        record = orders[f"eo:{number}"].record
        assert (record["number"], record["name"]) == (number, " ".join(raw["title"].split()))
        signed = events[f"event:eo-{number}-signed"].record
        if raw["signing_date"] and raw["signing_date"] <= raw["publication_date"]:
            assert signed["date"] == raw["signing_date"]
        else:
            assert signed["date"] == f"../{raw['publication_date']}"
        assert events[f"event:eo-{number}-published"].record["date"] == raw["publication_date"]


def test_missing_or_impossible_signing_date_is_bounded_by_publication(
    everything: ImportBatch,
) -> None:
    signed = _by_id(everything, "Event")["event:eo-13401-signed"].record
    assert signed["date"] == "../2006-05-01"  # the payload gives no signing date for EO 13401
    assert "no signing date" in signed["note"]
    signed = _by_id(everything, "Event")["event:eo-13526-signed"].record
    assert signed["date"] == "../2010-01-05"  # given as 2010-12-29, after its publication
    assert "2010-12-29" in signed["note"]
    assert any("EO 13526" in n and "after publication" in n for n in everything.notes)


def test_every_item_validates_and_cites_its_source(everything: ImportBatch) -> None:
    models = record_models()
    sources = _by_id(everything, "Source")
    for item in everything.items:
        models[item.type].model_validate(item.record)
        assert item.record["recorded_at"] == DAY.isoformat()
        if item.type != "Source":  # a source cites others, it has no sources of its own
            assert item.record["sources"], item.record["id"]
            assert all(s in sources for s in item.record["sources"]), item.record["id"]
    source = sources["src:fr-e9-1712"].record  # EO 13489, Presidential Records
    assert source["publisher"] == "Federal Register" and source["licence"].startswith(
        "Public domain"
    )
    assert source["url"].startswith("https://www.federalregister.gov/documents/2009/01/26/E9-1712/")
    assert "E9-1712.json" in source["note"] and source["published"] == "2009-01-26"


def test_the_batch_passes_the_shared_cross_checks(everything: ImportBatch) -> None:
    models = record_models()
    dataset = Dataset(files=["federal-register"], origin="import:federal-register")
    for item in everything.items:
        record = models[item.type].model_validate(item.record)
        dataset.records.setdefault(item.type, []).append(Located(item.type, record, item.where, 0))
    assert len(dataset.ids()) == len(everything.items)  # each record once
    # Only the curated country is referred to from outside the batch.
    assert cross_checks(load_schema(), dataset, DAY, {"country:us": "Actor"}) == []


def test_default_terms_select_only_ai_orders(pages: list, results: list) -> None:
    batch = fr.parse(pages, today=DAY, retrieved=DAY)
    orders = _imported_orders(batch)
    assert "eo:13859" in orders
    order = orders["eo:13859"]
    assert order.record["name"] == "Maintaining American Leadership in Artificial Intelligence"
    assert {(r.scheme, r.value) for r in order.refs} >= {
        ("eo", "13859"),
        ("fr_document", "2019-02544"),
    }
    assert order.compare == ("name", "number") and order.record["jurisdiction"] == "country:us"
    signed = _by_id(batch, "Event")["event:eo-13859-signed"].record
    assert signed["date"] == "2019-02-11"
    assert signed["participants"] == [{"actor": "person:donald-trump", "role": "issuer"}]
    assert "inferred" in signed["note"]  # the reduced-field page names no president
    text = {
        f"eo:{r['executive_order_number']}": f"{r['title']} {r.get('abstract') or ''}"
        for r in results
    }
    words = re.compile(r"\b(artificial intelligence|machine learning|AI)\b", re.IGNORECASE)
    for pid in orders:
        assert words.search(text[pid]), text[pid]
    for not_ai in ("eo:13702", "eo:13636", "eo:13011", "eo:13800", "eo:13489"):
        assert not_ai not in orders  # computing, cybersecurity, IT: not AI


def test_user_terms_and_since_select(pages: list) -> None:
    batch = fr.parse(pages, today=DAY, retrieved=DAY, terms=["cybersecurity"])
    assert {"eo:13636", "eo:13800", "eo:13691", "eo:13718"} <= set(_imported_orders(batch))
    assert "eo:13859" not in _imported_orders(batch)
    recent = fr.parse(pages, today=DAY, retrieved=DAY, all_orders=True, since=date(2019, 1, 1))
    numbers = {int(pid.split(":")[1]) for pid in _imported_orders(recent)}
    assert numbers and min(numbers) >= 13855 and 13859 in numbers


def _archive_relations(folder: Path) -> list[tuple[str, str, str, str]]:
    """(acting order, verb, other order, signed date) from the National Archives' text blocks."""
    out = []
    for path in sorted(folder.glob("*.txt")):
        number = signed = ""
        for line in path.read_text().splitlines():
            if head := re.match(r"\s*Executive Order (\d+)\s*$", line):
                number = head.group(1)
            elif when := re.match(r"\s*Signed:\s*(.+)$", line):
                signed = datetime.strptime(when.group(1).strip(), "%B %d, %Y").date().isoformat()
            elif rel := re.match(r"\s*(Revokes|Amends|Supersedes)(?: in part)?:\s*(.+)$", line):
                for other in re.findall(r"EO (\d+)", rel.group(2)):
                    out.append((number, VERBS[rel.group(1)], other, signed))
    return out


def test_relations_match_the_national_archives(
    everything: ImportBatch, fr_dir: Path, results: list
) -> None:
    notes = {
        str(r["executive_order_number"]): r.get("executive_order_notes")
        or r.get("disposition_notes")
        or ""
        for r in results
    }
    signed_fr = {str(r["executive_order_number"]): r["signing_date"] for r in results}
    events = _by_id(everything, "Event")
    checked, other_day = 0, set()
    for number, verb, other, signed in _archive_relations(fr_dir / "archives-disposition"):
        if f"EO {other}" not in notes.get(number, ""):
            continue  # the Federal Register's record of 2019 lacks this note: nothing to compare
        event = events[f"event:eo-{number}-{verb}-eo-{other}"].record
        roles = ("successor", "predecessor") if verb == "supersedes" else ("by", "subject")
        assert event["concerns"] == [
            {"id": f"eo:{number}", "role": roles[0]},
            {"id": f"eo:{other}", "role": roles[1]},
        ]
        assert (
            event["type"]
            == {"revokes": "revoked", "amends": "amended", "supersedes": "superseded"}[verb]
        )
        if number == "13526":  # the Federal Register's signing date is after its publication
            assert event["date"] == "../2010-01-05"
        else:
            assert event["date"] == signed_fr[number]  # the Federal Register's own signing date
            if signed != signed_fr[number]:
                other_day.add(number)
        checked += 1
    assert checked >= 12
    # The two official records agree on every signing date but one: EO 13504, which the
    # Federal Register dates 2009-02-20 and the National Archives February 19, 2009.
    assert other_day == {"13504"}


def test_revocation_from_a_page_and_its_stub(fr_dir: Path) -> None:
    batch = fr.parse(
        fr.read_pages(fr_dir / "documents-page-1.json"), today=DAY, retrieved=DAY, all_orders=True
    )
    assert batch.problems == []
    event = _by_id(batch, "Event")["event:eo-13897-revokes-eo-13495"].record
    assert (event["type"], event["date"]) == ("revoked", "2019-10-31")
    assert event["participants"] == [{"actor": "person:donald-trump", "role": "actor"}]
    assert "Revokes : EO 13495" in event["note"] or "Revokes: EO 13495" in event["note"]
    stub = _by_id(batch, "Instrument")["eo:13495"]
    assert stub.record["name"] == "Executive Order 13495" and stub.record["status"] == "revoked"
    assert stub.compare == () and [(r.scheme, r.value) for r in stub.refs] == [("eo", "13495")]
    assert not any(e.startswith("event:eo-13495-") for e in _by_id(batch, "Event"))  # not expanded


def test_both_sides_of_a_revocation_make_one_event(everything: ImportBatch) -> None:
    # EO 13489 "Revokes: EO 13233"; both are on the pages, and EO 13233's notes say "Revoked by".
    event = _by_id(everything, "Event")["event:eo-13489-revokes-eo-13233"].record
    assert event["date"] == "2009-01-21"
    assert event["participants"] == [{"actor": "person:barack-obama", "role": "actor"}]
    instruments = _by_id(everything, "Instrument")
    assert instruments["eo:13233"].record["status"] == "revoked"
    assert instruments["eo:13489"].record["status"] == "in_force"
    assert sum(1 for i in everything.items if i.record["id"] == event["id"]) == 1


def test_in_part_and_see_clauses(everything: ImportBatch) -> None:
    # EO 12893: "Revokes: EO 11063, November 20, 1962 (in part); EO 12259, December 31, 1980"
    events = _by_id(everything, "Event")
    assert "part of" in events["event:eo-12893-revokes-eo-11063"].record["summary"]
    assert "part of" not in events["event:eo-12893-revokes-eo-12259"].record["summary"]
    instruments = _by_id(everything, "Instrument")
    assert instruments["eo:11063"].record["status"] == "unknown"  # only partly revoked
    assert instruments["eo:12259"].record["status"] == "revoked"
    # EO 13198: "See: EO 13559, November 17, 2010": a claim on the order, no event.
    assert instruments["eo:13198"].claims["see_also"] == "See: EO 13559, November 17, 2010"
    assert not any("13559" in e and "13198" in e for e in events)


def test_archive_quirks_become_notes_not_wrong_events(everything: ImportBatch) -> None:
    events = _by_id(everything, "Event")
    # EO 12977's notes say it "Amends: EO 13286" (a later order): no such event, a note instead.
    assert "event:eo-12977-amends-eo-13286" not in events
    assert any("EO 12977" in n and "13286" in n for n in everything.notes)
    # EO 12944's notes carry a block about EO 12945: not attributed to EO 12944.
    assert "event:eo-12944-amends-eo-12640" not in events
    assert any("EO 12944" in n and "Executive Order 12945" in n for n in everything.notes)


def test_search_url_asks_for_the_orders() -> None:
    url = fr.search_url(
        "https://example.test/api/v1",
        terms=["artificial intelligence", "AI"],
        since=date(2025, 1, 20),
        all_orders=False,
    )
    parts = urlsplit(url)
    assert parts.path == "/api/v1/documents.json"
    query = parse_qs(parts.query)
    assert query["conditions[type][]"] == ["PRESDOCU"]
    assert query["conditions[presidential_document_type]"] == ["executive_order"]
    assert query["conditions[term]"] == ['"artificial intelligence" | AI']
    assert query["conditions[signing_date][gte]"] == ["2025-01-20"]
    assert {"executive_order_number", "signing_date", "disposition_notes", "html_url"} <= set(
        query["fields[]"]
    )
    assert query["order"] == ["executive_order"] and query["per_page"] == ["100"]
    every = parse_qs(
        urlsplit(
            fr.search_url("https://x.test/api/v1/", terms=["AI"], since=None, all_orders=True)
        ).query
    )
    assert "conditions[term]" not in every and "conditions[signing_date][gte]" not in every


def test_read_pages_reads_a_folder_in_order(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text('{"results": []}')
    (tmp_path / "a.json").write_text('{"results": []}')
    (tmp_path / "skip.txt").write_text("x")
    assert [name for name, _ in fr.read_pages(tmp_path)] == ["a.json", "b.json"]
    with pytest.raises(ValidationFailed, match="no such file"):
        fr.read_pages(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValidationFailed, match=r"no \*\.json pages"):
        fr.read_pages(tmp_path / "empty")


def test_garbage_is_reported_by_place_and_the_rest_parses(fr_dir: Path) -> None:
    good = json.loads((fr_dir / "documents-page-1.json").read_text())["results"]
    no_number = {**good[1], "executive_order_number": None}
    bad_day = {**good[2], "signing_date": "2019-02-30"}
    bad_note = {**good[3], "disposition_notes": "Revokes: the order of last spring"}
    unknown_label = {**good[4], "disposition_notes": "Rescinds: EO 13495, January 30, 2009"}
    page = json.dumps(
        {"results": [good[0], no_number, bad_day, "not an order", bad_note, unknown_label]}
    )
    pages = [
        ("page-1.json", page.encode()),
        ("page-2.json", page.encode()[: len(page) // 2]),
        ("page-3.json", b"[1, 2, 3]"),
        ("page-4.json", '{"results": []}'.encode("utf-16")),
    ]
    batch = fr.parse(pages, today=DAY, retrieved=DAY, all_orders=True)
    problems = "\n".join(batch.problems)
    assert len(batch.problems) == 8, problems
    assert all("Fix:" in p for p in batch.problems), problems
    assert "page-1.json: record 1: has no executive_order_number" in problems
    assert (
        f"page-1.json: record 2: EO {good[2]['executive_order_number']}: "
        "signing_date '2019-02-30' is not a real date" in problems
    )
    assert "page-1.json: record 3: is a str, not an object" in problems
    assert (
        f"page-1.json: record 4 (EO {good[3]['executive_order_number']}): "
        "notes 'Revokes: the order of last spring' do not parse" in problems
    )
    assert "unknown label 'Rescinds'" in problems
    assert re.search(r"page-2\.json: line 1 column \d+: not valid JSON", problems)
    assert "page-3.json: not an API page" in problems
    assert "page-4.json: byte 0 is not UTF-8" in problems
    orders = _imported_orders(batch)
    assert f"eo:{good[0]['executive_order_number']}" in orders  # the good record still parsed
    assert len(orders) == 3  # good, bad note, unknown label: parsed, their notes refused


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Revokes: EO 13233, November 1, 2001", [("revokes", "13233", "2001-11-01", False)]),
        ("Revokes : EO 13495, January 30, 2009", [("revokes", "13495", "2009-01-30", False)]),
        ("Revokes in part: EO 12844, April 21, 1993", [("revokes", "12844", "1993-04-21", True)]),
        (
            "Amends: EO 13038, March 11, 1997 (in part); EO 13054, July 7, 1997",
            [("amends", "13038", "1997-03-11", True), ("amends", "13054", "1997-07-07", False)],
        ),
        (
            "Superseded by: EO 13138, September 30, 1999EO 13038, March 11, 1997",
            [
                ("superseded_by", "13138", "1999-09-30", False),
                ("superseded_by", "13038", "1997-03-11", False),
            ],
        ),
        (
            "Supersedes in part; EO 13652, September 30, 2013",
            [("supersedes", "13652", "2013-09-30", True)],
        ),
        (
            "Superseded by EO 13641, April 5, 2013",
            [("superseded_by", "13641", "2013-04-05", False)],
        ),
        ("Amended by: EO 13454, January, 4, 2008", [("amended_by", "13454", "2008-01-04", False)]),
        ("Revokes: EO 13756 of 12/27/ 2016", [("revokes", "13756", "2016-12-27", False)]),
        (
            "Revoked by: EO 13470, July 30, 2008, "
            "read in conjunction with EO 12333, December 4, 1981",
            [("revoked_by", "13470", "2008-07-30", False)],
        ),
        (
            "Supersedes: EO 13708 of September 30, 2015 Revokes: EO 13805 of July 19, 2017",
            [
                ("supersedes", "13708", "2015-09-30", False),
                ("revokes", "13805", "2017-07-19", False),
            ],
        ),
        (
            "Revokes: Memorandum of April 26, 1994\nSee: EO 12866, September 30, 1993",
            [("revokes", None, None, False)],
        ),
    ],
)
def test_notes_grammar(text: str, expected: list) -> None:
    clauses = parse_notes(text, own_number="99999").clauses
    got = [
        (c.relation, r.number, r.date.isoformat() if r.date else None, r.in_part)
        for c in clauses
        if c.relation
        for r in c.refs
    ]
    assert got == expected


def test_notes_grammar_keeps_see_and_flags_bad_dates() -> None:
    parsed = parse_notes(
        "Amends: EO 12878, November 5, 1993;;\n ;  See EO 12974, September 29, 1995", own_number="1"
    )
    assert [(c.label, c.relation) for c in parsed.clauses] == [("amends", "amends"), ("see", None)]
    ref = parse_notes("Superseded by: EO 12955, March 9, 199", own_number="1").clauses[0].refs[0]
    assert (ref.number, ref.date, ref.date_text) == ("12955", None, "March 9, 199")
    assert parse_notes(" EO 13679, October 10, 2014", own_number="13679").clauses == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Revokes: the order of last spring", "is not a reference such as"),
        ("Rescinds: EO 13495, January 30, 2009", "unknown label 'Rescinds'"),
        ("EO 13495, January 30, 2009", "has no label"),
        ("Revokes:", "names no executive order after its label"),
    ],
)
def test_notes_that_do_not_parse(text: str, message: str) -> None:
    with pytest.raises(NoteError, match=re.escape(message)):
        parse_notes(text, own_number="13897")


def test_parsing_twice_gives_the_same_records(pages: list) -> None:
    first = fr.parse(pages, today=DAY, retrieved=DAY, all_orders=True)
    second = fr.parse(pages, today=DAY, retrieved=DAY, all_orders=True)
    assert [(i.type, i.record) for i in first.items] == [(i.type, i.record) for i in second.items]


def test_a_chosen_order_revoked_by_one_not_chosen(pages: list) -> None:
    terms = ["Further Implementation of the Presidential Records Act"]  # EO 13233 only
    batch = fr.parse(pages, today=DAY, retrieved=DAY, terms=terms)
    assert batch.problems == []
    sources = set(_by_id(batch, "Source"))
    assert sources == {"src:fr-01-27917"}
    for item in batch.items:  # everything cites a source the batch itself holds
        assert set(item.record.get("sources", [])) <= sources, item.record["id"]
    instruments = _by_id(batch, "Instrument")
    assert set(_imported_orders(batch)) == {"eo:13233"}
    assert instruments["eo:13233"].record["status"] == "revoked"
    assert instruments["eo:13489"].record["name"] == "Executive Order 13489"  # a stub
    assert instruments["eo:12667"].record["status"] == "revoked"
    event = _by_id(batch, "Event")["event:eo-13489-revokes-eo-13233"].record
    assert event["date"] == "2009-01-21"  # EO 13489's signing date, read from its own record
    assert event["participants"] == [{"actor": "person:barack-obama", "role": "actor"}]
    assert set(_by_id(batch, "Actor")) == {
        "country:us",  # the orders' jurisdiction, so an import into an empty graph has it
        "person:george-w-bush",
        "person:barack-obama",
    }
