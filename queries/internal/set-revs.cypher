// purpose: record each changed record's revision number and who last edited it in the app (null: an ingest)
UNWIND $rows AS row
MATCH (n:{{label}} {id: row.id})
SET n.rev = row.rev, n.edited = row.edited
