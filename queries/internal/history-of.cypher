// purpose: one record's revisions, newest first
MATCH (r:Revision {record_id: $id})
RETURN properties(r) AS r
ORDER BY r.seq DESC
LIMIT $limit
