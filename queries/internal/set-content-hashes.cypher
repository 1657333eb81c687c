// purpose: record each written record's content hash (last, so a killed ingest is redone)
UNWIND $rows AS row
MATCH (n:{{label}} {id: row.id})
SET n.content_hash = row.hash
