"""How graph views look: colours and shapes by kind, labels, tooltips and vis options."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from govgraph.api.phrases import label, phrase

# Colour and shape for each kind (vis-network shapes; box/ellipse put the label inside).
KIND_STYLE: dict[str, tuple[str, str]] = {
    "lab": ("#4e79a7", "dot"),
    "company": ("#a0cbe8", "dot"),
    "nonprofit": ("#86bcb6", "dot"),
    "agency": ("#59a14f", "triangle"),
    "department": ("#8cd17d", "triangle"),
    "executive_office": ("#e15759", "star"),
    "legislature": ("#ff9d9a", "triangleDown"),
    "international_body": ("#b07aa1", "hexagon"),
    "news_outlet": ("#9d7660", "square"),
    "person": ("#f28e2b", "diamond"),
    "country": ("#bab0ac", "hexagon"),
    "jurisdiction": ("#d7d0cc", "hexagon"),
    "model": ("#edc948", "star"),
    "executive_order": ("#ffbe7d", "box"),
    "law": ("#f1ce63", "box"),
    "policy": ("#fbe9a8", "box"),
    "program": ("#b6e3a8", "box"),
    "commitments": ("#d4a6c8", "ellipse"),
    "declaration": ("#d4a6c8", "ellipse"),
    "mou": ("#d4a6c8", "ellipse"),
    "code_of_practice": ("#d4a6c8", "ellipse"),
    "treaty": ("#d4a6c8", "ellipse"),
    "event": ("#c9c9c9", "square"),
    "source": ("#e8e8e8", "dot"),
}
UNKNOWN_STYLE = ("#dddddd", "dot")
# The parties view colours actors by where they stand: joined and joined_uncertain as the
# parties-to query answers, holdout, declined and withdrew as the holdouts query answers.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "joined": ("#2e7d32", "joined (a party)"),
    "joined_uncertain": ("#a5d6a7", "joined, but the date straddles as_of"),
    "holdout": ("#6a1b9a", "holdout: pressed to join or negotiating, not joined"),
    "declined": ("#c62828", "declined"),
    "withdrew": ("#757575", "withdrew"),
    "presser": ("#90a4ae", "pressed someone to join"),
}
HOLDOUT_COLOR = STATUS_STYLE["holdout"][0]
PSEUDO_KINDS = ("event",)
MAX_LABEL = 32

OPTIONS: dict[str, Any] = {
    "nodes": {
        "size": 16,
        "borderWidth": 1,
        "font": {"size": 13, "face": "sans-serif"},
        "shapeProperties": {"interpolation": False},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "font": {"size": 10, "align": "middle", "color": "#333", "strokeWidth": 3},
        "color": {"color": "#9aa5b1", "highlight": "#1f2933", "hover": "#1f2933"},
        "smooth": {"enabled": True, "type": "dynamic"},
        "width": 1,
    },
    "physics": {
        "enabled": True,
        "solver": "barnesHut",
        "barnesHut": {
            "gravitationalConstant": -4000,
            "centralGravity": 0.3,
            "springLength": 140,
            "springConstant": 0.04,
            "damping": 0.3,
            "avoidOverlap": 0.2,
        },
        "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 50, "fit": True},
        "minVelocity": 1,
    },
    "interaction": {
        "hover": True,
        "tooltipDelay": 120,
        "keyboard": {"enabled": True, "bindToWindow": False},
        "multiselect": False,
    },
    "layout": {"randomSeed": 7, "improvedLayout": True},
}


# ---------------------------------------------------------------------------------- formatting


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def spoken(text: str) -> str:
    """A day, month or year in words: 2026-11-29 → 29 Nov 2026, 2026-06 → Jun 2026."""
    parts = text.split("-")
    if len(parts) in (2, 3) and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        month = f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
        return f"{int(parts[2])} {month}" if len(parts) == 3 else month
    return text


def date_label(text: str | None, precision: str | None = None, recorded: str | None = None) -> str:
    """A date at the precision it is known: 2025-06-03, 2026-06, 2026, 2026-06 to 2026-07-31.

    A range bounded only by the day a source reported it (an open start, or an end on the day
    the record was written) reads "reported by 29 Nov 2026", not as a known range.
    """
    if not text:
        return ""
    if text == "unknown" or precision == "unknown":
        return "date unknown"
    if "/" in text:
        start, _, end = text.partition("/")
        if start == "..":
            return f"reported by {spoken(end)}"
        if end == "..":
            return f"from {start}"
        if recorded and end == str(recorded)[:10]:
            return f"reported by {spoken(end)}, not before {spoken(start)}"
        return f"{start} to {end}"
    return text


def kind_of(row: dict[str, Any]) -> str:
    """A node's kind: event, source, or the entity's own kind."""
    labels = row.get("labels") or []
    if "Event" in labels:
        return "event"
    if "Source" in labels:
        return "source"
    return str(row.get("kind") or "unknown")


def style_of(kind: str) -> tuple[str, str]:
    """Colour and shape of a kind."""
    return KIND_STYLE.get(kind, UNKNOWN_STYLE)


def page_url(node_id: str, row: dict[str, Any] | None = None) -> str | None:
    """Where a click on a node goes: an entity's page or an event's page (none for a source)."""
    if node_id.startswith("event:"):
        return f"/event/{quote(node_id, safe=':')}"
    if node_id.startswith("src:"):
        return None
    return f"/entity/{quote(node_id, safe=':')}"


def _short(text: str, limit: int = MAX_LABEL) -> str:
    """The text cut to the limit with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cite(src: dict[str, Any]) -> str:
    """One source as a tooltip line."""
    when = date_label(src.get("published"))
    return f"• {src.get('publisher') or 'not recorded'} — {src.get('title') or src.get('id')}" + (
        f" ({when})" if when else ""
    )


def node_label(row: dict[str, Any]) -> str:
    """A node's short label: an event's type and date, else a name."""
    kind = kind_of(row)
    if kind == "event":
        when = date_label(row.get("date"), row.get("date_precision"), row.get("recorded_at"))
        return f"{row.get('type') or 'event'}\n{when}"
    if kind == "source":
        return _short(str(row.get("publisher") or row["id"]))
    return _short(str(row.get("name") or row["id"]))


def node_title(row: dict[str, Any]) -> str:
    """The tooltip: what it is, the summary, and the sources behind it (plain text)."""
    kind = kind_of(row)
    lines: list[str] = []
    when = date_label(row.get("date"), row.get("date_precision"), row.get("recorded_at"))
    if kind == "event":
        lines.append(f"{label(row.get('type')).capitalize()} · {when} · {label(row.get('status'))}")
    elif kind == "source":
        lines.append(f"{row.get('publisher')} — {row.get('title')}")
        lines.append(f"published {date_label(row.get('published'))}")
    else:
        lines.append(f"{row.get('name')} ({label(kind)})")
        if row.get("aliases"):
            lines.append("Also: " + ", ".join(row["aliases"][:6]))
    if row.get("summary"):
        lines.append(str(row["summary"]))
    sources = [s for s in row.get("sources") or [] if s and s.get("id")]
    if sources:
        lines.append("Sources:")
        lines.extend(_cite(s) for s in sources[:6])
        more = max(int(row.get("source_count") or 0), len(sources)) - min(len(sources), 6)
        if more > 0:
            lines.append(f"  … and {more} more")
    return "\n".join(lines)


def edge_label(edge: dict[str, Any]) -> str:
    """An edge's label: the relationship in words (and role), then its date."""
    rel = phrase(str(edge["type"]), "out")
    if edge.get("role") and edge["type"] in {"PARTICIPATED_IN", "CONCERNS"}:
        rel = f"{rel} ({label(edge['role'])})"
    when = date_label(edge.get("date"), edge.get("date_precision"), edge.get("recorded_at"))
    return f"{rel}\n{when}" if when else rel


def edge_title(edge: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """An edge's tooltip: a sentence with both ends' names, role, date, status and sources."""
    names = names or {}
    start = names.get(edge["source"]) or edge["source"]
    end = names.get(edge["target"]) or edge["target"]
    lines = [f"{start} {phrase(str(edge['type']), 'out')} {end}"]
    if edge.get("role"):
        lines.append(f"role: {label(edge['role'])}")
    if edge.get("date"):
        lines.append(
            "date: "
            + date_label(edge.get("date"), edge.get("date_precision"), edge.get("recorded_at"))
            + (f" ({label(edge['date_precision'])})" if edge.get("date_precision") else "")
        )
    if edge.get("status"):
        lines.append(f"status: {label(edge['status'])}")
    if edge.get("sources"):
        lines.append(f"{len(edge['sources'])} source(s); open the event for them")
    return "\n".join(lines)
