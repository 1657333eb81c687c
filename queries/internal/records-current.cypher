// purpose: the stored state of some records, live or retracted (dataset JSON, revision, labels)
UNWIND $ids AS id
OPTIONAL MATCH (n:Record {id: id})
OPTIONAL MATCH (x:Retracted {id: id})
WITH id, coalesce(n, x) AS m, n IS NULL AND x IS NOT NULL AS retracted
WHERE m IS NOT NULL
RETURN id, labels(m) AS labels, m.record_json AS record, coalesce(m.rev, 0) AS rev,
       m.origin AS origin, m.content_hash AS hash, retracted
