// purpose: sources whose titles match a full-text query, best first, with the events that cite them
CALL db.index.fulltext.queryNodes('text_search', $lucene) YIELD node, score
WHERE node:Source
WITH node, score ORDER BY score DESC, node.id LIMIT $limit
CALL (node) {
  OPTIONAL MATCH (e:Event)-[:SOURCED_FROM]->(node)
  WITH e ORDER BY coalesce(e.date_earliest, e.date_latest), e.id
  RETURN [x IN collect({id: e.id, summary: e.summary}) WHERE x.id IS NOT NULL][..5] AS cited_by
}
RETURN node.id AS id, node.title AS title, node.publisher AS publisher,
       node.published AS published, node.url AS url, cited_by, score
ORDER BY score DESC, id
