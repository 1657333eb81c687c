// purpose: name, kind, dates, summary and first cited sources of each record id (graph views)
UNWIND $ids AS nid
MATCH (n:Record {id: nid})
CALL (n) {
  OPTIONAL MATCH (n)-[sf:SOURCED_FROM]->(s:Source)
  WITH s, sf ORDER BY sf.ord, s.id
  WITH collect(s {.id, .publisher, .title, .published}) AS cited
  RETURN cited[..6] AS sources, size(cited) AS source_count
}
RETURN n.id AS id, source_count, [l IN labels(n) WHERE NOT l IN $hidden] AS labels,
       n.kind AS kind, n.name AS name, n.aliases AS aliases, n.type AS type, n.date AS date,
       n.date_precision AS date_precision, n.date_earliest AS earliest,
       n.date_latest AS latest, n.summary AS summary, n.status AS status,
       n.publisher AS publisher, n.title AS title, n.published AS published,
       toString(n.recorded_at) AS recorded_at, sources
