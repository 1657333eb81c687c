"""Synthetic datasets with realistic fan-out, validated through the same generated models.

Records are built in memory (writing 100k events as YAML and parsing them back would measure
PyYAML, not ingest), validated one by one with graph.models, and cross-checked with the same
reference and date checks load_dataset runs.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from govgraph.graph.models import record_models
from govgraph.graph.schema import load_schema
from govgraph.ingest.validate import Dataset, Located, cross_checks  # the checks load_dataset runs

RECORDED = "2026-11-29"
TODAY = date(2026, 11, 29)
ACTOR_KINDS = [  # (kind, prefix, weight)
    ("lab", "org", 10),
    ("company", "org", 15),
    ("agency", "agency", 15),
    ("department", "dept", 8),
    ("executive_office", "office", 2),
    ("legislature", "legislature", 3),
    ("international_body", "intl", 3),
    ("news_outlet", "outlet", 4),
    ("nonprofit", "org", 10),
    ("person", "person", 20),
    ("jurisdiction", "jurisdiction", 2),
    ("model", "model", 8),
]
INSTRUMENT_KINDS = [
    ("executive_order", "eo"),
    ("law", "law"),
    ("policy", "policy"),
    ("program", "program"),
    ("commitments", "agreement"),
    ("declaration", "agreement"),
    ("mou", "agreement"),
    ("code_of_practice", "agreement"),
    ("treaty", "agreement"),
]
# (event type, participant roles, concern roles, weight): roles chosen so shortcuts derive.
EVENT_SHAPES = [
    ("joined", ["party"], ["subject"], 30),
    ("signed", ["issuer", "party"], ["subject"], 8),
    ("declined", ["party"], ["subject"], 5),
    ("negotiating", ["party"], ["subject"], 5),
    ("withdrew", ["party"], ["subject"], 3),
    ("pressed_to_join", ["presser", "subject"], ["subject"], 6),
    ("issued", ["issuer"], ["subject"], 12),
    ("established", ["issuer"], ["by", "established"], 4),
    ("revoked", ["issuer"], ["by", "subject"], 3),
    ("ordered", ["orderer", "subject"], ["model"], 4),
    ("restricted_access", ["actor"], ["model"], 3),
    ("announced", ["actor"], ["subject"], 12),
    ("reported", ["reporter", "actor"], ["subject"], 5),
]


def _fuzzy(rng: random.Random) -> str:
    day = date(2015, 1, 1) + timedelta(
        days=rng.randrange((date(2026, 10, 31) - date(2015, 1, 1)).days)
    )
    pick = rng.random()
    if pick < 0.6:
        return day.isoformat()
    if pick < 0.8:
        return day.strftime("%Y-%m")
    if pick < 0.85:
        return str(day.year)
    end = min(day + timedelta(days=rng.randrange(1, 200)), TODAY)
    return f"{day.strftime('%Y-%m')}/{end.isoformat()}"


def raw_records(
    events: int, actors: int = 2000, instruments: int = 500, sources: int = 5000, seed: int = 0
) -> dict[str, list[dict[str, Any]]]:
    """Plain dicts in the dataset format, before validation."""
    rng = random.Random(seed)
    src_ids = [f"src:syn-{i:05d}" for i in range(sources)]
    out: dict[str, list[dict[str, Any]]] = {
        "Source": [],
        "Actor": [],
        "Instrument": [],
        "Event": [],
    }
    for i, sid in enumerate(src_ids):
        rec: dict[str, Any] = {
            "id": sid,
            "kind": rng.choice(["primary", "news", "news", "secondary"]),
            "publisher": f"Publisher {i % 300}",
            "title": f"Synthetic report number {i}",
            "published": _fuzzy(rng),
            "recorded_at": RECORDED,
        }
        if i and rng.random() < 0.2:
            rec["cites"] = rng.sample(src_ids[:i], k=min(i, rng.randint(1, 2)))
        out["Source"].append(rec)

    kinds = [k for k, _, w in ACTOR_KINDS for _ in range(w)]
    prefix = {k: p for k, p, _ in ACTOR_KINDS}
    countries = [f"country:syn-{i:03d}" for i in range(50)]
    actor_ids: list[str] = []
    models: list[str] = []
    for cid in countries:
        out["Actor"].append(
            {
                "id": cid,
                "kind": "country",
                "name": f"Country {cid[-3:]}",
                "sources": [rng.choice(src_ids)],
                "recorded_at": RECORDED,
            }
        )
        actor_ids.append(cid)
    labs: list[str] = []
    for i in range(actors - len(countries)):
        kind = rng.choice(kinds)
        aid = f"{prefix[kind]}:syn-{i:05d}"
        rec = {
            "id": aid,
            "kind": kind,
            "name": f"Actor {i}",
            "country": rng.choice(countries),
            "summary": f"A synthetic {kind.replace('_', ' ')} for benchmarks.",
            "aliases": [f"A{i}"] if rng.random() < 0.3 else [],
            "sources": rng.sample(src_ids, k=rng.randint(1, 2)),
            "recorded_at": RECORDED,
        }
        if kind == "lab":
            labs.append(aid)
        if kind == "model" and labs:
            rec["developer"] = rng.choice(labs)
            models.append(aid)
        elif kind == "model":
            rec["kind"], rec["id"] = "company", f"org:syn-{i:05d}"
            aid = rec["id"]
        out["Actor"].append(rec)
        actor_ids.append(aid)

    inst_ids = []
    for i in range(instruments):
        kind, pre = INSTRUMENT_KINDS[i % len(INSTRUMENT_KINDS)]
        iid = f"{pre}:syn-{i:04d}"
        inst_ids.append(iid)
        out["Instrument"].append(
            {
                "id": iid,
                "kind": kind,
                "name": f"Instrument {i}",
                "status": rng.choice(["in_force", "active", "proposed", "revoked"]),
                "summary": "A synthetic instrument.",
                "terms": ["Term one.", "Term two."][: i % 3],
                "jurisdiction": rng.choice(countries),
                "sources": [rng.choice(src_ids)],
                "recorded_at": RECORDED,
            }
        )

    shapes = [s for s in EVENT_SHAPES for _ in range(s[3])]
    for i in range(events):
        etype, proles, croles, _ = rng.choice(shapes)
        n_part = rng.randint(1, 4)
        roles = (proles * 4)[: max(n_part, len(proles))]
        who = rng.sample(actor_ids, k=len(roles))
        if croles == ["model"]:
            whats = rng.sample(models, k=rng.randint(1, 2))
            concerns = [{"id": m, "role": "model"} for m in whats]
        else:
            n_con = rng.randint(1, 2) if len(croles) == 1 else 2
            whats = rng.sample(inst_ids, k=n_con)
            concerns = [{"id": w, "role": (croles * 2)[j]} for j, w in enumerate(whats)]
        out["Event"].append(
            {
                "id": f"event:syn-{i:06d}",
                "type": etype,
                "date": _fuzzy(rng),
                "summary": f"Synthetic {etype.replace('_', ' ')} event number {i}.",
                "status": rng.choice(["reported", "confirmed", "confirmed"]),
                "participants": [{"actor": a, "role": r} for a, r in zip(who, roles, strict=True)],
                "concerns": concerns,
                "sources": rng.sample(src_ids, k=rng.randint(1, 3)),
                "recorded_at": RECORDED,
            }
        )
    return out


def build(raw: dict[str, list[dict[str, Any]]]) -> Dataset:
    """Validate every record through the generated models and the cross-record checks."""
    models = record_models()
    dataset = Dataset(files=["<synthetic>"])
    for name, records in raw.items():
        dataset.records[name] = [
            Located(name, models[name].model_validate(rec), "<synthetic>", i + 1)
            for i, rec in enumerate(records)
        ]
    problems = cross_checks(load_schema(), dataset, TODAY)
    if problems:
        raise ValueError("synthetic data is invalid:\n" + "\n".join(problems[:10]))
    return dataset


def generate(
    events: int, *, actors: int = 2000, instruments: int = 500, sources: int = 5000, seed: int = 0
) -> Dataset:
    """A validated synthetic dataset."""
    return build(raw_records(events, actors, instruments, sources, seed))


def subset(dataset: Dataset, events: int) -> Dataset:
    """The same records with only the first `events` events."""
    out = Dataset(files=list(dataset.files))
    out.records = {
        n: (recs[:events] if n == "Event" else list(recs)) for n, recs in dataset.records.items()
    }
    return out


def without_events(dataset: Dataset) -> Dataset:
    return subset(dataset, 0)
