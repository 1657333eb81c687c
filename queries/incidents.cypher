// title: Incidents
// description: Orders, access suspensions, restrictions and restorations, by type, actor and date range, with who ordered them, who was subject to them, which models were affected, what followed, and sources.
// param: type event_type null
// param: actor id null
// param: date_from date null
// param: date_to date null
// param: reviewed_only bool false
// example: actor=org:anthropic
// returns: event_id id, type text, date date, date_precision text, summary text, status text
// returns: reviewed bool, ordered_by list, subjects list, models list, followed_by list
// returns: sources sources, recorded_at date
MATCH (e:Event)
WHERE e.type IN ['ordered', 'suspended_access', 'restricted_access', 'restored_access']
  AND ($type IS NULL OR e.type = $type)
  AND (NOT $reviewed_only OR coalesce(e.reviewed, true))
  AND ($actor IS NULL OR EXISTS { MATCH (:Actor {id: $actor})-[:PARTICIPATED_IN]->(e) })
  AND ($date_from IS NULL OR e.date_latest IS NULL OR e.date_latest >= $date_from)
  AND ($date_to IS NULL OR e.date_earliest IS NULL OR e.date_earliest <= $date_to)
CALL (e) {
  OPTIONAL MATCH (p:Actor)-[pi:PARTICIPATED_IN]->(e)
  WITH p, pi ORDER BY pi.ord
  RETURN [x IN collect({id: p.id, name: p.name, role: pi.role}) WHERE x.role = 'orderer'] AS ordered_by,
         [x IN collect({id: p.id, name: p.name, role: pi.role}) WHERE x.role <> 'orderer'] AS subjects
}
CALL (e) {
  OPTIONAL MATCH (e)-[c:CONCERNS {role: 'model'}]->(m:Entity)
  WITH m, c ORDER BY c.ord
  RETURN collect({id: m.id, name: m.name}) AS models
}
CALL (e) {
  OPTIONAL MATCH (e)-[:CONCERNS {role: 'model'}]->(:Entity)<-[:CONCERNS {role: 'model'}]-(f:Event)
  WHERE f <> e AND f.date_earliest >= e.date_earliest
    AND f.type IN ['suspended_access', 'restricted_access', 'restored_access', 'announced']
    AND e.type = 'ordered'
  WITH DISTINCT f ORDER BY f.date_earliest, f.id
  RETURN collect({id: f.id, type: f.type, date: f.date, summary: f.summary}) AS followed_by
}
CALL (e) {
  MATCH (e)-[sf:SOURCED_FROM]->(s:Source)
  WITH s, sf ORDER BY sf.ord
  RETURN collect({id: s.id, publisher: s.publisher, title: s.title, url: s.url,
                  published: s.published}) AS sources
}
RETURN e.id AS event_id, e.type AS type, e.date AS date, e.date_precision AS date_precision,
       e.summary AS summary, e.status AS status, coalesce(e.reviewed, true) AS reviewed,
       [x IN ordered_by WHERE x.id IS NOT NULL] AS ordered_by,
       [x IN subjects WHERE x.id IS NOT NULL] AS subjects,
       [x IN models WHERE x.id IS NOT NULL] AS models,
       [x IN followed_by WHERE x.id IS NOT NULL] AS followed_by, sources,
       e.recorded_at AS recorded_at
ORDER BY coalesce(e.date_earliest, e.date_latest), CASE e.type WHEN 'ordered' THEN 0 ELSE 1 END,
         e.id
