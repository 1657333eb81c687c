// title: Actor profile
// description: An actor or instrument with its kind, aliases, stated relationships, derived relationships and most recent events, each with sources.
// param: id id required
// param: events int 10
// example: id=agency:caisi
MATCH (n:Entity {id: $id})
CALL (n) {
  OPTIONAL MATCH (n)-[r]-(m:Entity)
  WITH r, m, startNode(r) = n AS outgoing ORDER BY type(r), m.name
  RETURN collect(CASE WHEN r IS NULL THEN NULL ELSE {relation: type(r),
         direction: CASE WHEN outgoing THEN 'out' ELSE 'in' END, id: m.id, name: m.name,
         date: r.date, event_id: r.event_id} END) AS relationships
}
CALL (n) {
  OPTIONAL MATCH (n)-[:PARTICIPATED_IN|CONCERNS]-(e:Event)
  WITH DISTINCT e ORDER BY coalesce(e.date_latest, e.date_earliest) DESC, e.id LIMIT $events
  RETURN collect(CASE WHEN e IS NULL THEN NULL ELSE {id: e.id, type: e.type, date: e.date,
         summary: e.summary, status: e.status} END) AS recent_events
}
CALL (n) {
  MATCH (n)-[:SOURCED_FROM]->(s:Source)
  RETURN collect({id: s.id, publisher: s.publisher, title: s.title, url: s.url,
                  published: s.published}) AS sources
}
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.aliases AS aliases,
       n.summary AS summary, n.title AS title, n.status AS status,
       [l IN labels(n) WHERE NOT l IN ['Entity', 'Record']] AS labels,
       relationships, recent_events, sources
