// purpose: every node of one record type with its properties, for export
MATCH (n:{{label}})
RETURN n.id AS id, properties(n) AS props
ORDER BY n.id
