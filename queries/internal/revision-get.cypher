// purpose: the graph revision the last ingest recorded
MATCH (m:GovGraphMeta {key: $key})
RETURN m.value AS v
