// purpose: docs/schema.md example: the parties to a target via PARTY_TO, with dates and sources
MATCH (a:Actor)-[r:PARTY_TO]->(x:Entity {id: $target})
MATCH (e:Event {id: r.event_id})-[:SOURCED_FROM]->(s:Source)
WITH a, r, x, e, s ORDER BY s.id
RETURN a.id AS actor, a.name AS name, r.event_type AS how, x.id AS target,
       r.date AS date, r.date_precision AS precision,
       r.date_earliest AS earliest, r.date_latest AS latest,
       e.id AS event, collect(s.id) AS sources
ORDER BY name
