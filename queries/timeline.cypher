// title: Timeline
// description: Dated events in order, filtered by actor, event type (type, or several as types: a comma-separated list), counterparty (events both actor and counterparty take part in or concern), topic (what they concern) and date range, each with its date precision, participants and sources.
// param: actor id null
// param: type event_type null
// param: types event_types null
// param: counterparty id null
// param: topic id null
// param: date_from date null
// param: date_to date null
// param: limit int 200
// param: offset int 0
// param: reviewed_only bool false
// example: actor=org:anthropic date_from=2024-01-01
// returns: event_id id, type text, date date, date_precision text, earliest date, latest date
// returns: summary text, status text, reviewed bool, participants list, concerns list
// returns: sources sources, recorded_at date
// With an actor, start from its events (index seeks) rather than from every event.
CALL () {
  UNWIND CASE WHEN $actor IS NULL THEN [] ELSE [$actor] END AS anchor
  MATCH (:Actor {id: anchor})-[:PARTICIPATED_IN]->(e:Event)
  RETURN e
  UNION
  UNWIND CASE WHEN $actor IS NULL THEN [] ELSE [$actor] END AS anchor
  MATCH (e:Event)-[:CONCERNS]->(:Entity {id: anchor})
  RETURN e
  UNION
  UNWIND CASE WHEN $actor IS NULL THEN [true] ELSE [] END AS everything
  MATCH (e:Event)
  RETURN e
}
WITH e
WHERE ($type IS NULL OR e.type = $type)
  AND ($types IS NULL OR e.type IN $types)
  AND (NOT $reviewed_only OR coalesce(e.reviewed, true))
  AND ($date_from IS NULL OR e.date_latest IS NULL OR e.date_latest >= $date_from)
  AND ($date_to IS NULL OR e.date_earliest IS NULL OR e.date_earliest <= $date_to)
  AND ($counterparty IS NULL
       OR EXISTS { MATCH (:Actor {id: $counterparty})-[:PARTICIPATED_IN]->(e) }
       OR EXISTS { MATCH (e)-[:CONCERNS]->(:Entity {id: $counterparty}) })
  AND ($topic IS NULL OR EXISTS { MATCH (e)-[:CONCERNS]->(:Entity {id: $topic}) })
WITH e ORDER BY coalesce(e.date_earliest, e.date_latest), e.id SKIP $offset LIMIT $limit
CALL (e) {
  OPTIONAL MATCH (p:Actor)-[pi:PARTICIPATED_IN]->(e)
  WITH p, pi ORDER BY pi.ord
  RETURN collect({id: p.id, name: p.name, role: pi.role}) AS participants
}
CALL (e) {
  OPTIONAL MATCH (e)-[c:CONCERNS]->(x:Entity)
  WITH x, c ORDER BY c.ord
  RETURN collect({id: x.id, name: x.name, role: c.role}) AS concerns
}
CALL (e) {
  MATCH (e)-[sf:SOURCED_FROM]->(s:Source)
  WITH s, sf ORDER BY sf.ord
  RETURN collect({id: s.id, publisher: s.publisher, title: s.title, url: s.url,
                  published: s.published}) AS sources
}
RETURN e.id AS event_id, e.type AS type, e.date AS date, e.date_precision AS date_precision,
       e.date_earliest AS earliest, e.date_latest AS latest, e.summary AS summary,
       e.status AS status, coalesce(e.reviewed, true) AS reviewed, [x IN participants WHERE x.id IS NOT NULL] AS participants,
       [x IN concerns WHERE x.id IS NOT NULL] AS concerns, sources,
       toString(e.recorded_at) AS recorded_at
