// purpose: actors and instruments whose names or aliases match a full-text query, best first, optionally of one kind
CALL db.index.fulltext.queryNodes('entity_search', $lucene) YIELD node, score
WHERE $kind IS NULL OR node.kind = $kind
RETURN node.id AS id, node.name AS name, node.kind AS kind, labels(node) AS labels,
       node.aliases AS aliases, node.summary AS summary, score
ORDER BY score DESC, name SKIP $offset LIMIT $limit
