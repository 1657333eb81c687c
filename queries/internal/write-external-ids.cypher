// purpose: the crosswalk: each external id IDENTIFIES its record (created once, never moved)
UNWIND $rows AS row
MATCH (n:Record {id: row.record})
MERGE (x:ExternalId {id: row.key})
  ON CREATE SET x.scheme = row.scheme, x.value = row.value, x.url = row.url,
                x.origin = row.origin, x.recorded_at = row.recorded_at
MERGE (x)-[:IDENTIFIES]->(n)
