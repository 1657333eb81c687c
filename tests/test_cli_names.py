"""Names where ids are asked: `govgraph query` takes a name or alias, and refuses unclearly."""

from __future__ import annotations

import json

import pytest
from ingest_helpers import cli

from govgraph.core.errors import Ambiguous, BadParameter, NotFound
from govgraph.graph.db import Database
from govgraph.graph.names import fold, resolve

# In the curated data both the CAISI and the former US AISI records carry this alias.
SHARED_ALIAS = "U.S. AI Safety Institute"
BOTH = ("agency:caisi", "agency:us-aisi")


def test_fold_ignores_case_accents_and_punctuation() -> None:
    assert (
        fold("U.S. AI Safety Institute")
        == fold("us ai-safety  INSTITUTE")
        == ("us ai safety institute")
    )
    assert fold("Autoridade Nacional de Proteção de Dados") == (
        "autoridade nacional de protecao de dados"
    )
    assert fold("AI Safety Institute (Japan)") == "ai safety institute japan"
    assert fold("?!") == ""


def test_a_name_resolves_for_agreements_of(curated: Database) -> None:
    by_name = cli("query", "agreements-of", "-p", "actor=Meta", "--format", "json")
    by_id = cli("query", "agreements-of", "-p", "actor=org:meta", "--format", "json")
    assert by_name.returncode == by_id.returncode == 0, by_name.stderr
    rows = json.loads(by_name.stdout)
    assert rows and rows == json.loads(by_id.stdout)
    assert {r["actor_id"] for r in rows} == {"org:meta"}
    assert "'Meta' is org:meta (lab, Meta)" in by_name.stderr  # says what it resolved to
    assert by_id.stderr == ""


def test_aliases_resolve_folded(curated: Database) -> None:
    assert resolve(curated, "  facebook ").id == "org:meta"
    assert resolve(curated, "META PLATFORMS").id == "org:meta"
    found = resolve(curated, "caisi frontier-review", param="target")
    assert found.id == "program:caisi-frontier-review" and found.matched == "CAISI frontier review"
    assert (
        resolve(curated, "org:meta").id == "org:meta" and resolve(curated, "org:meta").matched == ""
    )


def test_an_alias_works_for_a_target_in_the_cli(curated: Database) -> None:
    done = cli("query", "holdouts", "-p", "target=CAISI frontier review", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows and {r["target_id"] for r in rows} == {"program:caisi-frontier-review"}


def test_an_ambiguous_name_lists_the_candidates_and_exits_1(curated: Database) -> None:
    with pytest.raises(Ambiguous) as caught:
        resolve(curated, SHARED_ALIAS, param="actor")
    assert sorted(c["id"] for c in caught.value.candidates) == sorted(BOTH)
    assert all(c["kind"] == "agency" and c["name"] for c in caught.value.candidates)
    done = cli("query", "agreements-of", "-p", f"actor={SHARED_ALIAS}")
    assert done.returncode == 1 and done.stdout == ""
    assert "parameter 'actor'" in done.stderr and "2 records" in done.stderr
    for id_ in BOTH:
        assert id_ in done.stderr
    assert "Center for AI Standards and Innovation" in done.stderr
    assert "give the id" in done.stderr


def test_an_unknown_id_exits_non_zero_with_suggestions(curated: Database) -> None:
    done = cli("query", "agreements-of", "-p", "actor=org:metaa")
    assert done.returncode == 1 and done.stdout == ""
    assert "no record has the id 'org:metaa'" in done.stderr
    assert "did you mean org:meta (Meta)" in done.stderr


def test_an_unknown_name_exits_non_zero_with_close_names(curated: Database) -> None:
    with pytest.raises(NotFound) as caught:
        resolve(curated, "Metta", param="actor")
    assert "did you mean org:meta (lab, Meta)" in str(caught.value.fix)
    done = cli("query", "agreements-of", "-p", "actor=Metta")
    assert done.returncode == 1 and done.stdout == ""
    assert "no actor or instrument is named 'Metta'" in done.stderr
    assert "org:meta (lab, Meta)" in done.stderr


def test_text_that_is_no_name_at_all_is_a_bad_parameter(curated: Database) -> None:
    with pytest.raises(BadParameter, match="neither an id"):
        resolve(curated, "?!", param="actor")
    with pytest.raises(BadParameter, match="longer than"):
        resolve(curated, "x" * 201, param="actor")
