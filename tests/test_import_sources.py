"""`govgraph import` end to end on the recorded payloads, against the real server."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA_DIR
from import_helpers import dataset_dir
from ingest_helpers import cli, node_count

from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.ingest.importing import ImportReport
from govgraph.ingest.sources import ImportRequest, import_source
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest
from govgraph.queries import run as run_query

TODAY = date(2026, 11, 30)
PRESIDENTS = (
    "william-j-clinton.json",
    "george-w-bush.json",
    "barack-obama.json",
    "donald-trump.json",
)


def _orders(folder: Path) -> dict[int, dict[str, Any]]:
    """Every executive order in the recorded per-president files, by number."""
    out: dict[int, dict[str, Any]] = {}
    for name in PRESIDENTS:
        for r in json.loads((folder / name).read_text())["results"]:
            if r.get("executive_order_number"):
                out[int(r["executive_order_number"])] = r
    return out


def _fr_pages(tmp_path: Path) -> Path:
    """The four per-president files in one folder (read from the shared folder, not copied in)."""
    src = dataset_dir("federal-register")
    pages = tmp_path / "fr"
    pages.mkdir()
    for name in PRESIDENTS:
        (pages / name).symlink_to(src / name)
    return pages


def _import(db: Database, settings: Settings, source: str, path: Path, **kw: Any) -> ImportReport:
    return import_source(db, settings, ImportRequest(source, path=path, today=TODAY, **kw))


@pytest.fixture
def curated_fresh(clean_db: Database) -> Database:
    ingest(clean_db, load_dataset([DATA_DIR]))
    return clean_db


def test_every_recorded_order_loads_with_its_number_and_dates(
    clean_db: Database, settings: Settings, tmp_path: Path
) -> None:
    pages = _fr_pages(tmp_path)
    orders = _orders(dataset_dir("federal-register"))
    _import(clean_db, settings, "federal-register", pages, all_orders=True)
    rows = clean_db.rows(
        "MATCH (o:ExecutiveOrder)<-[:CONCERNS]-(e:Event {type: 'signed'}) "
        "RETURN o.number AS number, e.date AS signed"
    )
    loaded = {int(r["number"]): r["signed"] for r in rows}
    assert set(loaded) == set(orders)
    assert len(orders) == 968
    # (two orders have no signing date, and one is dated after its publication: both become
    # ranges ending at publication, checked in the parser's tests)
    dated = {
        n: p
        for n, p in orders.items()
        if p.get("signing_date") and p["signing_date"] <= p["publication_date"]
    }
    assert len(dated) > 960
    for number, payload in dated.items():
        assert loaded[number] == payload["signing_date"], number


def test_default_terms_take_the_ai_orders_only(
    clean_db: Database, settings: Settings, tmp_path: Path
) -> None:
    _import(clean_db, settings, "federal-register", _fr_pages(tmp_path))
    rows = clean_db.rows(
        "MATCH (o:ExecutiveOrder {origin: 'import:federal-register'}) "
        "OPTIONAL MATCH (o)<-[:CONCERNS {role: 'subject'}]-(e:Event {type: 'signed'}) "
        "RETURN o.number AS number, o.name AS name, e.date AS signed"
    )
    by_number = {r["number"]: r for r in rows if r["signed"]}
    assert by_number["13859"]["signed"] == "2019-02-11"
    assert 0 < len(by_number) < 50
    for r in by_number.values():
        assert re.search(r"artificial intelligence|\bAI\b|machine learning", r["name"], re.I), r


def _disposition_pairs(folder: Path) -> list[tuple[str, int, int]]:
    """(verb, order, other order) from the National Archives disposition tables."""
    pairs = []
    for path in sorted((folder / "archives-disposition").glob("*.txt")):
        number = None
        for line in path.read_text().splitlines():
            head = re.match(r"^Executive Order (\d+)", line)
            if head:
                number = int(head.group(1))
            note = re.match(r"^\s+(Revokes|Amends|Supersedes): EO (\d+),", line)
            if note and number:
                pairs.append((note.group(1), number, int(note.group(2))))
    return pairs


def test_revocations_become_edges_as_the_archives_record_them(
    clean_db: Database, settings: Settings, tmp_path: Path
) -> None:
    folder = dataset_dir("federal-register")
    _import(clean_db, settings, "federal-register", _fr_pages(tmp_path), all_orders=True)
    orders = _orders(folder)

    def noted(new: int, old: int) -> bool:  # the Federal Register's own notes name the pair
        notes = orders.get(new, {})
        text = f"{notes.get('executive_order_notes') or ''} {notes.get('disposition_notes') or ''}"
        return f"EO {old}" in text

    pairs = [p for p in _disposition_pairs(folder) if noted(p[1], p[2])]
    assert len(pairs) >= 12
    rel = {"Revokes": "REVOKED", "Amends": "AMENDED", "Supersedes": "SUPERSEDED"}
    checked = 0
    for verb, new, old in pairs:
        if rel[verb] == "SUPERSEDED":
            continue
        rows = clean_db.rows(
            "MATCH (a {id: $a})-[r]->(b {id: $b}) RETURN type(r) AS t",
            {"a": f"eo:{new}", "b": f"eo:{old}"},
        )
        assert rel[verb] in {r["t"] for r in rows}, (verb, new, old)
        checked += 1
    assert checked >= 12


def test_agora_release_loads_every_document_and_authority(
    curated_fresh: Database, settings: Settings
) -> None:
    folder = dataset_dir("agora")
    import csv

    with (folder / "documents.csv").open(encoding="utf-8-sig") as f:
        docs = list(csv.DictReader(f))
    report = _import(curated_fresh, settings, "agora", folder)
    ids = curated_fresh.rows(
        "MATCH (x:ExternalId {scheme: 'agora'})-[:IDENTIFIES]->(n:Instrument) "
        "RETURN count(DISTINCT x) AS docs, count(DISTINCT n) AS nodes"
    )[0]
    assert ids["docs"] == len(docs) == 763
    assert ids["nodes"] <= ids["docs"]
    named = {d["Authority"] for d in docs} - {
        "Private-sector companies",
        "Other authorities",
        "Other multinational",
        "Chinese provincial and local governments",
        "",
    }
    found = curated_fresh.rows(
        "MATCH (x:ExternalId {scheme: 'agora_authority'})-[:IDENTIFIES]->(a:Actor) "
        "RETURN x.value AS name"
    )
    assert named <= {r["name"] for r in found}
    assert report.ingest.types["Instrument"].created > 700


def test_one_order_from_three_places_is_one_node(
    curated_fresh: Database, settings: Settings, tmp_path: Path
) -> None:
    _import(curated_fresh, settings, "federal-register", _fr_pages(tmp_path))
    _import(curated_fresh, settings, "agora", dataset_dir("agora"))
    rows = curated_fresh.rows(
        "MATCH (x:ExternalId)-[:IDENTIFIES]->(n:Instrument) "
        "WHERE x.id IN ['eo:13859', 'fr_document:2019-02544', 'agora:1111'] "
        "RETURN DISTINCT n.id AS id, n.origin AS origin"
    )
    assert rows == [{"id": "eo:13859", "origin": "curated"}]
    count = curated_fresh.rows(
        "MATCH (n:Instrument) WHERE n.number = '13859' OR n.name =~ '(?i).*maintaining american "
        "leadership in artificial intelligence.*' RETURN count(n) AS n"
    )
    assert count == [{"n": 1}]
    # EO 14110 from AGORA lands on the curated record too (by name)
    ext = curated_fresh.rows(
        "MATCH (x:ExternalId {id: 'agora:307'})-[:IDENTIFIES]->(n) RETURN n.id AS id"
    )
    assert ext == [{"id": "eo:14110"}]


def test_a_date_disagreement_is_surfaced(
    curated_fresh: Database, settings: Settings, tmp_path: Path
) -> None:
    src = dataset_dir("federal-register") / "donald-trump.json"
    payload = json.loads(src.read_text())
    for r in payload["results"]:
        if r.get("executive_order_number") == 13859:
            r["signing_date"] = "2019-02-12"  # a deliberate day's difference
    folder = tmp_path / "changed"
    folder.mkdir()
    (folder / "donald-trump.json").write_text(json.dumps(payload))
    report = _import(curated_fresh, settings, "federal-register", folder)
    assert ("event:2019-02-11-trump-signs-eo-13859", "date", "2019-02-11", "2019-02-12") in {
        (d.record, d.field, d.ours, d.theirs) for d in report.disagreements
    }
    _, _, rows = run_query(
        curated_fresh, "disagreements", {"id": "event:2019-02-11-trump-signs-eo-13859"}
    )
    assert [(r["ours"], r["theirs"]) for r in rows] == [("2019-02-11", "2019-02-12")]
    assert rows[0]["their_source"]["publisher"] == "Federal Register"
    # the curated date still answers
    date_now = curated_fresh.rows(
        "MATCH (e {id: 'event:2019-02-11-trump-signs-eo-13859'}) RETURN e.date AS d"
    )
    assert date_now == [{"d": "2019-02-11"}]


def test_reimport_is_a_no_op(clean_db: Database, settings: Settings, tmp_path: Path) -> None:
    pages = _fr_pages(tmp_path)
    _import(clean_db, settings, "federal-register", pages)
    nodes = node_count(clean_db)
    again = _import(clean_db, settings, "federal-register", pages)
    assert again.changed == 0
    assert node_count(clean_db) == nodes


def test_reviewed_only_hides_imported_orders(
    curated_fresh: Database, settings: Settings, tmp_path: Path
) -> None:
    _import(curated_fresh, settings, "federal-register", _fr_pages(tmp_path), all_orders=True)
    _, _, every = run_query(curated_fresh, "instruments", {"kind": "executive_order"})
    _, _, reviewed = run_query(
        curated_fresh, "instruments", {"kind": "executive_order", "reviewed_only": "true"}
    )
    unreviewed = {r["id"] for r in every if not r["reviewed"]}
    assert unreviewed, "the import added unreviewed orders"
    assert {r["id"] for r in reviewed} == {r["id"] for r in every} - unreviewed
    assert "eo:13859" in {r["id"] for r in reviewed}  # curated, so reviewed


def test_cli_import_dry_run_and_garbage(curated_fresh: Database, tmp_path: Path) -> None:
    pages = _fr_pages(tmp_path)
    nodes = node_count(curated_fresh)
    dry = cli("import", "federal-register", str(pages), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Import: federal-register" in dry.stdout
    assert node_count(curated_fresh) == nodes
    broken = tmp_path / "broken"
    broken.mkdir()
    text = (dataset_dir("federal-register") / "donald-trump.json").read_text()
    (broken / "page.json").write_text(text[: len(text) // 2])
    bad = cli("import", "federal-register", str(broken))
    assert bad.returncode == 1 and "page.json" in bad.stderr
    assert node_count(curated_fresh) == nodes
    agora_bad = tmp_path / "agora"
    shutil.copytree(dataset_dir("agora"), agora_bad)
    docs = agora_bad / "documents.csv"
    docs.chmod(0o644)
    lines = docs.read_text(encoding="utf-8-sig").splitlines()
    lines[0] = lines[0].replace("Official name", "Offical nam")
    docs.write_text("\n".join(lines), encoding="utf-8")
    missing = cli("import", "agora", str(agora_bad))
    assert missing.returncode == 1 and "Official name" in missing.stderr
    assert node_count(curated_fresh) == nodes
    neither = cli("import", "federal-register")
    assert neither.returncode == 1 and "--live" in neither.stderr


def test_live_import_pages_through_the_loopback_server_and_resumes(
    clean_db: Database, settings: Settings, tmp_path: Path
) -> None:
    from payload_server import Fault, Paged, federal_register_results, payload_server

    from govgraph.core.errors import FetchFailed

    root = dataset_dir("federal-register").parent
    results = federal_register_results(root)
    with payload_server(root, {"/api/v1/documents.json": Paged(results, 100)}) as server:
        live = settings.model_copy(
            update={
                "federal_register_url": f"{server.url}/api/v1",
                "state_dir": tmp_path / "state",
                "fetch_interval": 0.0,
                "fetch_retries": 2,
            }
        )
        req = ImportRequest("federal-register", live=True, all_orders=True, today=TODAY)
        server.faults += [
            Fault("429", on=2),
            Fault("drop", on=4),
            Fault("503", match="page=7", times=None),
        ]
        with pytest.raises(FetchFailed) as failed:
            import_source(clean_db, live, req)
        assert "page" in failed.value.message
        assert node_count(clean_db) <= 1  # only the cursor: nothing imported from a partial run
        kept = len(list((tmp_path / "state" / "imports" / "federal-register").glob("*.json")))
        assert kept >= 3
        server.faults.clear()
        asked = len(server.log)
        report = import_source(clean_db, live, req)
        again = [t for t in server.targets()[asked:] if "page=1&" in t or t.endswith("page=1")]
        assert not again, "the resumed run fetched the first page again"
    assert report.ingest.types["Instrument"].created >= 968
    numbers = [str(r["executive_order_number"]) for r in results]
    signed = clean_db.rows(
        "MATCH (o:ExecutiveOrder)<-[:CONCERNS]-(:Event {type: 'signed'}) "
        "WHERE o.number IN $numbers RETURN count(DISTINCT o) AS n",
        {"numbers": numbers},
    )
    assert signed == [{"n": 968}]


def test_cli_import_refuses_garbage_options_and_writes_nothing(
    curated_fresh: Database, tmp_path: Path
) -> None:
    nodes = node_count(curated_fresh)
    pages = str(_fr_pages(tmp_path))
    cases = [
        (("import", "federal-register", pages, "--since", "2019-02-30"), "since"),
        (("import", "federal-register", pages, "--since", "yesterday"), "since"),
        (("import", "wikidata", "--live", "--qid", "Q42"), "qid"),
        (("import", "wikidata", "--live", "--qid", "X1=org:meta"), "qid"),
        (("import", "wikidata", "--live"), "--qid"),
        (("import", "agora", "--live"), "zip"),
        (("import", "no-such-source", pages), "federal-register"),
        (("import", "federal-register", str(tmp_path / "absent")), "no such file"),
        (("review", "confirm", "not an id", "--by", "Ed"), "id"),
    ]
    for args, named in cases:
        run = cli(*args)
        assert run.returncode != 0, args
        assert named in run.stderr + run.stdout, (args, run.stderr)
        assert "Traceback" not in run.stderr, args
    assert node_count(curated_fresh) == nodes
