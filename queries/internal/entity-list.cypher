// purpose: actors and instruments by name, optionally of one kind
MATCH (node:Entity)
WHERE $kind IS NULL OR node.kind = $kind
RETURN node.id AS id, node.name AS name, node.kind AS kind, labels(node) AS labels,
       node.aliases AS aliases, node.summary AS summary, null AS score
ORDER BY name SKIP $offset LIMIT $limit
