// purpose: what an imported source states about a record field, ABOUT it and CLAIMED_BY the source
UNWIND $rows AS row
MATCH (n:Record {id: row.record})
MATCH (s:Source {id: row.source})
MERGE (c:Claim {id: row.key})
  ON CREATE SET c.recorded_at = row.recorded_at, c.reviewed = false
SET c.field = row.field, c.value = row.value, c.origin = row.origin
MERGE (c)-[:ABOUT]->(n)
MERGE (c)-[:CLAIMED_BY]->(s)
