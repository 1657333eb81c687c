// purpose: the entities and events next to one record (citations left out), as of a day and filtered by kind and relation, capped
MATCH (c:Record {id: $id})
WHERE c:Entity OR c:Event
MATCH (c)-[r:!SOURCED_FROM&!CITES]-(m:Record)
WHERE (m:Entity OR m:Event)
  AND ($as_of IS NULL OR r.date_earliest IS NULL OR r.date_earliest <= $as_of)
  AND ($as_of IS NULL OR NOT m:Event OR m.date_earliest IS NULL OR m.date_earliest <= $as_of)
  AND ($relations IS NULL OR type(r) IN $relations)
  AND ($kinds IS NULL OR (CASE WHEN m:Event THEN 'event' ELSE m.kind END) IN $kinds)
WITH m, collect(r) AS rels
ORDER BY COUNT { (m)-[:!SOURCED_FROM&!CITES]-() } DESC, m.id
WITH collect({m: m, rels: rels}) AS found
UNWIND found[..$cap] AS f
WITH size(found) AS total, f.m AS m, f.rels AS rels
RETURN total, m.id AS id,
       [r IN rels | {id: elementId(r), source: startNode(r).id, target: endNode(r).id,
                     type: type(r), role: r.role, date: r.date, date_precision: r.date_precision,
                     earliest: r.date_earliest, latest: r.date_latest, event_id: r.event_id,
                     status: r.status}] AS edges
