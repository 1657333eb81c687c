// purpose: the entities and events up to two steps from an entity (citations left out), with distance and degree
MATCH (c:Record {id: $id})
WHERE c:Entity
OPTIONAL MATCH p = (c) (()-[:!SOURCED_FROM&!CITES]-()){1,2} (m)
WHERE (m:Entity OR m:Event) AND m <> c
WITH c, m, min(length(p)) AS dist
RETURN c.id AS center, m.id AS id, dist,
       CASE WHEN m IS NULL THEN 0 ELSE COUNT { (m)-[:!SOURCED_FROM&!CITES]-() } END AS degree
