// purpose: the relationships of one reference property, in stored order, for export
MATCH (a:{{start}})-[r:{{type}}]->(b:{{end}})
RETURN a.id AS start, b.id AS end, r.role AS role, r.ord AS ord
ORDER BY start, ord, end
