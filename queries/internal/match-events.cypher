// purpose: existing events of a type about a subject (with the same party, when given)
UNWIND $rows AS row
MATCH (e:Event {type: row.type})-[c:CONCERNS]->(:Record {id: row.subject})
WHERE coalesce(c.role, 'subject') = 'subject'
  AND (row.party IS NULL OR EXISTS { (:Actor {id: row.party})-[:PARTICIPATED_IN]->(e) })
WITH row, e ORDER BY e.id
RETURN row.key AS key, collect(e.id) AS ids
