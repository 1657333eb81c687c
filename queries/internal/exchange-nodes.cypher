// purpose: every record with its labels and properties, for the GraphML, GEXF and FtM exports (imported, unreviewed ones left out with $reviewed_only)
MATCH (n:Record)
WHERE NOT $reviewed_only OR coalesce(n.reviewed, true)
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props
