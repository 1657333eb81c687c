// title: Actor profile
// description: An actor or instrument with its kind, aliases, stated relationships, derived relationships and most recent events, each with sources.
// param: id id required
// param: events int 10
// param: reviewed_only bool false
// example: id=agency:caisi
// returns: id id, name text, kind text, aliases list, summary text, title text, status text
// returns: reviewed bool, labels list, relationships list, recent_events list, sources sources
// returns: external_ids list, disagreements list
MATCH (n:Entity {id: $id})
WHERE (NOT $reviewed_only OR coalesce(n.reviewed, true))
CALL (n) {
  OPTIONAL MATCH (n)-[r]-(m:Entity)
  WHERE (NOT $reviewed_only OR coalesce(r.reviewed, true)) AND (NOT $reviewed_only OR coalesce(m.reviewed, true))
  WITH r, m, startNode(r) = n AS outgoing ORDER BY type(r), m.name
  RETURN collect(CASE WHEN r IS NULL THEN NULL ELSE {relation: type(r),
         direction: CASE WHEN outgoing THEN 'out' ELSE 'in' END, id: m.id, name: m.name,
         date: r.date, event_id: r.event_id, reviewed: coalesce(r.reviewed, true)} END) AS relationships
}
CALL (n) {
  OPTIONAL MATCH (n)-[:PARTICIPATED_IN|CONCERNS]-(e:Event)
  WHERE (NOT $reviewed_only OR coalesce(e.reviewed, true))
  WITH DISTINCT e ORDER BY coalesce(e.date_latest, e.date_earliest) DESC, e.id LIMIT $events
  RETURN collect(CASE WHEN e IS NULL THEN NULL ELSE {id: e.id, type: e.type, date: e.date,
         summary: e.summary, status: e.status, reviewed: coalesce(e.reviewed, true)} END) AS recent_events
}
CALL (n) {
  OPTIONAL MATCH (x:ExternalId)-[:IDENTIFIES]->(n)
  WITH x ORDER BY x.id
  RETURN [y IN collect({id: x.id, scheme: x.scheme, url: x.url}) WHERE y.id IS NOT NULL]
         AS external_ids
}
CALL (n) {
  // fields where an imported source states another value than the record (sources disagree)
  OPTIONAL MATCH (c:Claim)-[:ABOUT]->(n)
  WHERE c.field IN keys(n) AND valueType(n[c.field]) STARTS WITH 'STRING'
    AND n[c.field] <> c.value
  OPTIONAL MATCH (c)-[:CLAIMED_BY]->(cs:Source)
  WITH c, cs ORDER BY c.field, cs.id
  RETURN [d IN collect({field: c.field, ours: n[c.field], theirs: c.value,
          source: {id: cs.id, publisher: cs.publisher, title: cs.title, url: cs.url,
                   published: cs.published}}) WHERE d.field IS NOT NULL] AS disagreements
}
CALL (n) {
  MATCH (n)-[:SOURCED_FROM]->(s:Source)
  RETURN collect({id: s.id, publisher: s.publisher, title: s.title, url: s.url,
                  published: s.published}) AS sources
}
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.aliases AS aliases,
       n.summary AS summary, n.title AS title, n.status AS status,
       coalesce(n.reviewed, true) AS reviewed,
       [l IN labels(n) WHERE NOT l IN ['Entity', 'Record']] AS labels,
       relationships, recent_events, sources, external_ids, disagreements
