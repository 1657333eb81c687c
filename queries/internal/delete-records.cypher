// purpose: delete records no longer in the input (prune)
UNWIND $rows AS row
MATCH (n:{{label}} {id: row.id})
DETACH DELETE n
