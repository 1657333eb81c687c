// purpose: live records that state a reference to a record (a retraction must not leave them dangling)
MATCH (n:Record {id: $id})-[r]-(m:Record)
WHERE r.event_id IS NULL
  AND ((startNode(r) = m AND NOT type(r) IN $reverse)
       OR (startNode(r) = n AND type(r) IN $reverse))
RETURN DISTINCT m.id AS id, type(r) AS rel
ORDER BY id
LIMIT 20
