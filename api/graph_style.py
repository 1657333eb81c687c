"""How graph views look: colours and shapes by kind, labels, tooltips and vis options."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

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


def date_label(text: str | None, precision: str | None = None) -> str:
    """A date at the precision it is known: 2025-06-03, 2026-06, 2026, 2026-06 to 2026-11-29."""
    if not text:
        return ""
    if text == "unknown" or precision == "unknown":
        return "date unknown"
    if "/" in text:
        start, _, end = text.partition("/")
        if start == "..":
            return f"by {end}"
        if end == "..":
            return f"from {start}"
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
    """Where a click on a node goes: an entity's page, or the timeline around an event."""
    if node_id.startswith("event:"):
        params = {"from": (row or {}).get("earliest"), "to": (row or {}).get("latest")}
        query = urlencode({k: v for k, v in params.items() if v})
        return f"/timeline?{query}#{node_id}" if query else f"/timeline#{node_id}"
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
        when = date_label(row.get("date"), row.get("date_precision"))
        return f"{row.get('type') or 'event'}\n{when}"
    if kind == "source":
        return _short(str(row.get("publisher") or row["id"]))
    return _short(str(row.get("name") or row["id"]))


def node_title(row: dict[str, Any]) -> str:
    """The tooltip: what it is, the summary, and the sources behind it (plain text)."""
    kind = kind_of(row)
    lines: list[str] = []
    if kind == "event":
        lines.append(
            f"{row.get('type')} · {date_label(row.get('date'), row.get('date_precision'))}"
            f" · {row.get('status')}"
        )
        lines.append(row["id"])
    elif kind == "source":
        lines.append(f"{row.get('publisher')} — {row.get('title')}")
        lines.append(f"{row['id']} · published {date_label(row.get('published'))}")
    else:
        lines.append(f"{row.get('name')} ({kind})")
        lines.append(row["id"])
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
    """An edge's label: the relationship (and role), then its date."""
    rel = str(edge["type"]).lower().replace("_", " ")
    if edge.get("role") and edge["type"] in {"PARTICIPATED_IN", "CONCERNS"}:
        rel = f"{rel} ({edge['role']})"
    when = date_label(edge.get("date"), edge.get("date_precision"))
    return f"{rel}\n{when}" if when else rel


def edge_title(edge: dict[str, Any]) -> str:
    """An edge's tooltip: ends, role, date, event and sources."""
    lines = [f"{edge['source']} —{edge['type']}→ {edge['target']}"]
    if edge.get("role"):
        lines.append(f"role: {edge['role']}")
    if edge.get("date"):
        lines.append(
            f"date: {date_label(edge.get('date'), edge.get('date_precision'))}"
            + (f" ({edge['date_precision']})" if edge.get("date_precision") else "")
        )
    if edge.get("event_id"):
        lines.append(
            f"event: {edge['event_id']}" + (f" · {edge['status']}" if edge.get("status") else "")
        )
    if edge.get("sources"):
        lines.append("Sources: " + ", ".join(edge["sources"]))
    return "\n".join(lines)
