// purpose: the entities and events up to two steps from an entity (citations left out): the $keep nearest and best connected, and the kinds of the rest
MATCH (c:Record {id: $id})
WHERE c:Entity
OPTIONAL MATCH p = (c) (()-[:!SOURCED_FROM&!CITES]-()){1,2} (m)
WHERE (m:Entity OR m:Event) AND m <> c
WITH c, m, min(length(p)) AS dist
WHERE m IS NOT NULL
WITH c, m, dist, CASE WHEN m:Event THEN 'event' ELSE m.kind END AS kind,
     COUNT { (m)--() } - COUNT { (m)-[:SOURCED_FROM]-() } - COUNT { (m)-[:CITES]-() } AS degree
ORDER BY dist, degree DESC, m.id
WITH collect({id: m.id, dist: dist, kind: kind, degree: degree}) AS near
RETURN near[..$keep] AS kept, [x IN near[$keep..] | x.kind] AS dropped
