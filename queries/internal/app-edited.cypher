// purpose: records changed in the app since the dataset last matched them (live and retracted)
MATCH (n)
WHERE (n:Record OR n:Retracted) AND n.edited IS NOT NULL
RETURN n.id AS id, n:Retracted AS retracted, n.record_json AS record, labels(n) AS labels
ORDER BY id
