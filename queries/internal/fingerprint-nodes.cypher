// purpose: every node with an id, its labels and properties, for the graph fingerprint
MATCH (n)
WHERE n.id IS NOT NULL
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props
ORDER BY n.id
