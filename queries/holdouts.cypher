// title: Holdouts
// description: Actors of a kind (default AI labs) that were pressed, negotiating or declined to join an agreement or program, and had not joined as of a date, each with its latest stated position and sources.
// param: target id required
// param: kind kind lab
// param: as_of date null
// example: target=program:caisi-frontier-review kind=lab
MATCH (target:Entity {id: $target})<-[r:PRESSED_TO_JOIN|NEGOTIATING|DECLINED]-(a:Actor)
WHERE ($kind = 'any' OR a.kind = $kind)
  AND ($as_of IS NULL OR r.date_earliest IS NULL OR r.date_earliest <= $as_of)
WITH DISTINCT target, a
// not a holdout if it joined, or may have joined (a joining date that straddles as_of)
WHERE NOT EXISTS {
  MATCH (a)-[p:PARTY_TO]->(target)
  WHERE $as_of IS NULL OR p.date_earliest IS NULL OR p.date_earliest <= $as_of
}
MATCH (a)-[pi:PARTICIPATED_IN]->(e:Event)-[:CONCERNS]->(target)
WHERE pi.role IN ['party', 'subject']
  AND ($as_of IS NULL OR e.date_earliest IS NULL OR e.date_earliest <= $as_of)
WITH target, a, e, pi.role = 'party' AS own_words
// latest first; on a tie, what the actor itself said beats being pressed
ORDER BY coalesce(e.date_latest, e.date_earliest) DESC, own_words DESC, e.id
WITH target, a, collect(e)[0] AS latest
MATCH (latest)-[:SOURCED_FROM]->(s:Source)
WITH target, a, latest, s ORDER BY s.id
RETURN a.id AS actor_id, a.name AS actor, a.kind AS kind, target.id AS target_id,
       target.name AS target, latest.type AS latest_position,
       latest.summary AS position_summary, latest.date AS date,
       latest.date_precision AS date_precision, latest.status AS status,
       latest.id AS event_id,
       collect({id: s.id, publisher: s.publisher, title: s.title, url: s.url,
                published: s.published}) AS sources
ORDER BY actor
