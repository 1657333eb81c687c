// purpose: every relationship with its ends and properties, for the graph fingerprint
MATCH (a)-[r]->(b)
RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p
ORDER BY a, t, b, p.event_id, p.role, p.ord
