// purpose: write role relationships (participants, concerns), one per role
UNWIND $rows AS row
MATCH (a:{{start}} {id: row.start})
MATCH (b:{{end}} {id: row.end})
MERGE (a)-[r:{{type}} {role: row.role}]->(b)
SET r.ord = row.ord
