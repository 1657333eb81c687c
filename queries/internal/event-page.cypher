// purpose: one event for its page: what, when (with precision), participants and concerns with roles, sources
MATCH (e:Event {id: $id})
CALL (e) {
  OPTIONAL MATCH (p:Actor)-[pi:PARTICIPATED_IN]->(e)
  WITH p, pi ORDER BY pi.ord, p.id
  RETURN collect({id: p.id, name: p.name, kind: p.kind, role: pi.role}) AS participants
}
CALL (e) {
  OPTIONAL MATCH (e)-[c:CONCERNS]->(x:Entity)
  WITH x, c ORDER BY c.ord, x.id
  RETURN collect({id: x.id, name: x.name, kind: x.kind, role: c.role}) AS concerns
}
CALL (e) {
  OPTIONAL MATCH (e)-[sf:SOURCED_FROM]->(s:Source)
  WITH s, sf ORDER BY sf.ord, s.id
  RETURN collect({id: s.id, publisher: s.publisher, title: s.title, url: s.url,
                  published: s.published}) AS sources
}
RETURN e.id AS event_id, e.type AS type, e.date AS date, e.date_precision AS date_precision,
       e.date_earliest AS earliest, e.date_latest AS latest, e.summary AS summary,
       e.status AS status, e.note AS note, coalesce(e.reviewed, true) AS reviewed,
       e.recorded_at AS recorded_at,
       [x IN participants WHERE x.id IS NOT NULL] AS participants,
       [x IN concerns WHERE x.id IS NOT NULL] AS concerns,
       [x IN sources WHERE x.id IS NOT NULL] AS sources
