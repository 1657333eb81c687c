// title: Parties to an agreement or program
// description: Who joined or agreed to an agreement or program, when, and according to whom. With as_of, answers yes or uncertain for each party (a bounded date that straddles as_of is uncertain); parties who joined only later, or withdrew after joining (by as_of, when given), are left out; a party that rejoined is listed by its latest joining.
// param: target id required
// param: as_of date null
// param: reviewed_only bool false
// example: target=program:caisi-frontier-review as_of=2026-08-01
// returns: actor_id id, actor text, kind text, target_id id, target text, how text, date date
// returns: date_precision text, earliest date, latest date, status text, party_as_of text
// returns: event_id id, summary text, reviewed bool, sources sources, recorded_at date
MATCH (target:Entity {id: $target})<-[r:PARTY_TO]-(a:Actor)
WITH target, a, r,
     CASE
       WHEN $as_of IS NULL THEN 'yes'
       WHEN r.date_latest IS NOT NULL AND r.date_latest <= $as_of THEN 'yes'
       WHEN r.date_earliest IS NOT NULL AND r.date_earliest > $as_of THEN 'no'
       ELSE 'uncertain'
     END AS answer
WHERE answer <> 'no'
  AND (NOT $reviewed_only OR coalesce(r.reviewed, true))
  AND NOT EXISTS {
    // a withdrawal counts against this joining only if it came after it (and, with as_of, by then)
    MATCH (a)-[w:WITHDREW_FROM]->(target)
    WHERE w.date_latest IS NOT NULL
      AND w.date_latest >= coalesce(r.date_earliest, w.date_latest)
      AND ($as_of IS NULL OR w.date_latest <= $as_of)
      AND (NOT $reviewed_only OR coalesce(w.reviewed, true))
  }
MATCH (e:Event {id: r.event_id})-[:SOURCED_FROM]->(s:Source)
WITH target, a, r, answer, e, s ORDER BY s.id
RETURN a.id AS actor_id, a.name AS actor, a.kind AS kind, target.id AS target_id,
       target.name AS target, r.event_type AS how, r.date AS date,
       r.date_precision AS date_precision, r.date_earliest AS earliest, r.date_latest AS latest, r.status AS status, answer AS party_as_of,
       e.id AS event_id, e.summary AS summary, coalesce(r.reviewed, true) AS reviewed,
       collect({id: s.id, publisher: s.publisher, title: s.title, url: s.url,
                published: s.published}) AS sources, e.recorded_at AS recorded_at
ORDER BY coalesce(earliest, latest), actor
