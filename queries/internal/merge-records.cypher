// purpose: write record nodes: properties, and the kind labels each needs (stale ones removed)
UNWIND $rows AS row
MERGE (n:{{label}} {id: row.id})
SET n = row.props
SET n:$(row.labels)
REMOVE n:$(row.stale)
