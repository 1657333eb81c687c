"""How facts read on pages and in downloads: phrases, partial lists, dates, CSVs, citations."""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import urlencode

from fastapi.testclient import TestClient

from govgraph import queries
from govgraph.api import citation
from govgraph.graph.db import Database

REVIEW = "program:caisi-frontier-review"
PARIS = "agreement:paris-ai-action-statement"
OPENAI_JOINS = "event:2026-openai-joins-caisi-review"
SOURCE_COLUMNS = ("publisher", "title", "url", "published")
ORIGIN = "http://127.0.0.1:8000"


def page_text(client: TestClient, url: str) -> str:
    """The page's visible text, tags stripped and whitespace collapsed."""
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.text[:300])
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", resp.text)).split())


def relationship_cells(client: TestClient, entity_id: str) -> list[str]:
    """The entity page's relationships table, each row as its text."""
    body = client.get(f"/entity/{entity_id}").text
    table = body.split('id="rels-heading"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)</tr>", table, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", r)).split()) for r in rows]


# -------------------------------------------------------------------------------- phrases


def test_succession_reads_right_from_both_ends(client: TestClient, curated: Database) -> None:
    old = relationship_cells(client, "agency:us-aisi")
    assert any(r.startswith("was succeeded by Center for AI Standards") for r in old), old
    new = relationship_cells(client, "agency:caisi")
    assert any(
        r.startswith("succeeded U.S. Artificial Intelligence Safety Institute") for r in new
    ), new
    uk = relationship_cells(client, "agency:uk-aisi")
    for rows in (old, new, uk):
        for row in rows:
            assert " by by " not in row and "is succeeded by" not in row
            assert "is party to by" not in row and "is negotiating by" not in row


def test_a_program_page_says_who_its_parties_are(client: TestClient, curated: Database) -> None:
    rows = relationship_cells(client, REVIEW)
    assert any(r.startswith("has as a party OpenAI") for r in rows), rows
    assert not any("PARTY_TO" in r or "party to by" in r for r in rows)


# ----------------------------------------------------------------------------- partial lists


def test_partial_party_lists_say_how_partial(client: TestClient, curated: Database) -> None:
    _, _, rows = queries.run(curated, "parties-to", {"target": PARIS})
    recorded = len({r["actor_id"] for r in rows})
    assert recorded == 39  # the instrument's summary: "39 of about 60 signatories"
    note = f"{recorded} of about 60 recorded"
    assert note in page_text(client, f"/entity/{PARIS}")
    assert note in page_text(client, f"/queries/parties-to?target={PARIS}")
    graph = client.get(f"/graph/parties/{PARIS}").text
    title = html.unescape(re.search(r"<title>(.*?)</title>", graph, re.S).group(1))
    assert PARIS not in title and note in title
    # a list not known to be partial says nothing of the kind
    assert "recorded. The list here is partial" not in page_text(client, f"/entity/{REVIEW}")


def test_graph_titles_name_their_subject(client: TestClient, curated: Database) -> None:
    for url, name in [
        (f"/graph/entity/{REVIEW}", "CAISI"),
        (f"/graph/parties/{REVIEW}?as_of=2026-08-01", "2026-08-01"),
        (f"/graph/query/holdouts?target={REVIEW}", "target CAISI pre-release"),
    ]:
        body = client.get(url).text
        title = html.unescape(re.search(r"<title>(.*?)</title>", body, re.S).group(1))
        assert name in title, (url, title)


# ------------------------------------------------------------------------------------ dates


def test_dates_bounded_by_the_reporting_day_read_reported_by(
    client: TestClient, curated: Database
) -> None:
    text = page_text(client, "/timeline?actor=org:openai&from=2026-06-01&to=2026-12-31")
    assert "reported by 29 Nov 2026, not before Jun 2026" in text
    assert "2026-06 to 2026-11-29" not in text
    opened = page_text(client, "/timeline?from=2024-03-01&to=2024-03-05")
    assert "reported by 4 Mar 2024" in opened and "by 2024-03-04" not in opened
    home = client.get("/")
    assert home.status_code == 200 and "2026-06 to 2026-11-29" not in home.text


# ------------------------------------------------------------------------------------- CSV


def csv_rows(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def test_csv_has_a_column_per_source_field_and_a_telling_name(
    client: TestClient, curated: Database
) -> None:
    params = {"target": REVIEW, "as_of": "2026-08-01"}
    answer = client.get("/api/queries/parties-to", params=params).json()["data"]
    resp = client.get("/api/queries/parties-to", params={**params, "format": "csv"})
    assert resp.status_code == 200
    disposition = resp.headers["content-disposition"]
    assert 'filename="parties-to_program-caisi-frontier-review_as-of-2026-08-01.csv"' in disposition
    assert not resp.content.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(resp.text)
    most = max(len(r["sources"]) for r in answer)
    header = list(rows[0])
    assert "sources" not in header
    first = header.index("source_1_publisher")  # the source columns stand where sources stood
    assert header[first : first + 4 * most] == [
        f"source_{i}_{f}" for i in range(1, most + 1) for f in SOURCE_COLUMNS
    ]
    by_actor = {r["actor_id"]: r for r in rows}
    for want in answer:
        got = by_actor[want["actor_id"]]
        for i, src in enumerate(want["sources"], start=1):
            for f in SOURCE_COLUMNS:
                assert got[f"source_{i}_{f}"] == (src[f] or "")
        for i in range(len(want["sources"]) + 1, most + 1):
            assert got[f"source_{i}_publisher"] == ""
    assert not any(cell.startswith("[{") for r in rows for cell in r.values())


def test_csv_excel_encoding_adds_a_byte_order_mark(client: TestClient, curated: Database) -> None:
    url = f"/api/queries/holdouts?{urlencode({'target': REVIEW, 'format': 'csv'})}"
    plain, excel = client.get(url), client.get(url + "&encoding=excel")
    assert excel.status_code == 200
    assert excel.content.startswith(b"\xef\xbb\xbf") and not plain.content.startswith(b"\xef")
    assert excel.content[3:] == plain.content
    events = client.get("/api/events?actor=org:meta&format=csv&encoding=excel")
    assert events.status_code == 200 and events.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="events_org-meta.csv"' in events.headers["content-disposition"]
    bad = client.get(url + "&encoding=latin-1")
    assert bad.status_code == 422 and bad.json()["error"]["param"] == "encoding"


# -------------------------------------------------------------------------------- citations


def test_citations_name_publisher_date_and_a_permanent_url(
    client: TestClient, curated: Database
) -> None:
    _, _, rows = queries.run(curated, "timeline", {"actor": "org:openai", "limit": "500"})
    row = next(r for r in rows if r["event_id"] == OPENAI_JOINS)
    line = citation.event(row, ORIGIN)
    src = row["sources"][0]
    assert src["publisher"] in line and src["title"] in line
    assert "reported by 29 Nov 2026" in line
    assert line.endswith(f"{ORIGIN}/event/{OPENAI_JOINS}") and "\n" not in line
    dated = next(s for s in row["sources"] if s.get("published") and "/" not in s["published"])
    assert dated["published"] in line
    _, _, parties = queries.run(curated, "parties-to", {"target": REVIEW})
    party = next(p for p in parties if p["actor_id"] == "org:openai")
    cited = citation.query_row("Parties to", party, ORIGIN, f"/queries/parties-to?target={REVIEW}")
    assert cited.startswith("OpenAI joined CAISI") and party["sources"][0]["publisher"] in cited
    assert cited.endswith(f"{ORIGIN}/event/{OPENAI_JOINS}")
    rel = {"relation": "SUCCEEDED_BY", "direction": "in", "name": "U.S. AI Safety Institute"}
    rel_line = citation.relationship(
        "CAISI", {**rel, "event_id": "event:x", "date": "2025-06-03"}, ORIGIN
    )
    assert rel_line.startswith("CAISI succeeded U.S. AI Safety Institute (2025-06-03)")
    # the entity page offers a citation for each event, with this site's permanent URL
    text = page_text(client, "/entity/org:openai")
    assert f"/event/{OPENAI_JOINS}" in text and "Cite:" in text


def test_every_page_has_a_copy_link_button(client: TestClient, curated: Database) -> None:
    for url in ("/", f"/entity/{REVIEW}", "/timeline", "/queries/parties-to", "/graph"):
        body = client.get(url).text
        assert 'class="copy-link"' in body and '<script src="/static/copylink.js">' in body
        assert "<script>" not in body  # no inline script under the CSP
    script = client.get("/static/copylink.js")
    assert script.status_code == 200 and "clipboard" in script.text
