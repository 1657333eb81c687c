// purpose: records an importer's external ids already identify (the crosswalk)
UNWIND $keys AS key
MATCH (x:ExternalId {id: key})-[:IDENTIFIES]->(n:Record)
RETURN key, n.id AS id
