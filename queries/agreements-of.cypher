// title: Agreements of an actor
// description: Everything an actor joined, declined, negotiated, withdrew from or was pressed to join, over time, with sources.
// param: actor id required
// param: reviewed_only bool false
// example: actor=org:meta
// returns: actor_id id, actor text, relation text, target_id id, target text, target_kind text
// returns: date date, date_precision text, earliest date, latest date, status text, event_id id
// returns: summary text, reviewed bool, sources sources, recorded_at date
MATCH (a:Actor {id: $actor})-[r:PARTY_TO|DECLINED|NEGOTIATING|WITHDREW_FROM|PRESSED_TO_JOIN]->(t:Entity)
WHERE (NOT $reviewed_only OR coalesce(r.reviewed, true))
MATCH (e:Event {id: r.event_id})-[:SOURCED_FROM]->(s:Source)
WITH a, r, t, e, s ORDER BY s.id
RETURN a.id AS actor_id, a.name AS actor, type(r) AS relation, t.id AS target_id,
       t.name AS target, t.kind AS target_kind, r.date AS date,
       r.date_precision AS date_precision, r.date_earliest AS earliest, r.date_latest AS latest, r.status AS status, e.id AS event_id,
       e.summary AS summary, coalesce(r.reviewed, true) AS reviewed,
       collect({id: s.id, publisher: s.publisher, title: s.title, url: s.url,
                published: s.published}) AS sources, e.recorded_at AS recorded_at
ORDER BY coalesce(earliest, latest), target, relation
