// purpose: every relationship between two records, stated or derived, for the GraphML, GEXF and FtM exports (with $reviewed_only, only those whose ends and own flag are reviewed)
MATCH (a:Record)-[r]->(b:Record)
WITH a, r, b,
     coalesce(r.reviewed, true) AND coalesce(a.reviewed, true) AND coalesce(b.reviewed, true)
       AS reviewed
WHERE NOT $reviewed_only OR reviewed
RETURN a.id AS start, type(r) AS type, b.id AS end, properties(r) AS props, reviewed
