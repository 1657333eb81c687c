// purpose: the joining, position and pressing relationships around an agreement or program (dated on or before $as_of when given), with who pressed
MATCH (t:Record {id: $target})
      <-[r:PARTY_TO|DECLINED|NEGOTIATING|WITHDREW_FROM|PRESSED_TO_JOIN]-(a:Actor)
WHERE $as_of IS NULL OR r.date_earliest IS NULL OR r.date_earliest <= $as_of
OPTIONAL MATCH (p:Actor)-[:PRESSED {event_id: r.event_id}]->(a)
RETURN a.id AS actor_id, type(r) AS relation, r.date AS date,
       r.date_precision AS date_precision, r.event_id AS event_id, r.status AS status,
       r.sources AS sources, collect(DISTINCT p.id) AS pressers
ORDER BY actor_id, relation
