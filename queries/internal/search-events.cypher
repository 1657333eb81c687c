// purpose: events whose summaries match a full-text query, best first, with their date and type
CALL db.index.fulltext.queryNodes('text_search', $lucene) YIELD node, score
WHERE node:Event
RETURN node.id AS id, node.type AS type, node.date AS date, node.date_precision AS date_precision,
       node.summary AS summary, coalesce(node.reviewed, true) AS reviewed, score
ORDER BY score DESC, id LIMIT $limit
