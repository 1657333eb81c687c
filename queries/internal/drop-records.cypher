// purpose: remove records from an as-recorded view (a transaction that is always rolled back)
UNWIND $rows AS row
MATCH (n:Record {id: row.id})
DETACH DELETE n
