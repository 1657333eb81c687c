// purpose: write the relationships records state by reference (direction from the schema)
UNWIND $rows AS row
MATCH (a:{{start}} {id: row.start})
MATCH (b:{{end}} {id: row.end})
MERGE (a)-[r:{{type}}]->(b)
SET r.ord = row.ord
