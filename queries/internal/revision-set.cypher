// purpose: record the graph revision (or the one-off 'writing:' marker while an ingest writes)
MERGE (m:GovGraphMeta {key: $key})
SET m.value = $value, m.updated_at = datetime()
