// purpose: records whose ids or names are close to an unknown id: full-text matches and ids sharing a prefix
CALL () {
  WITH $lucene AS words WHERE words <> ''
  CALL db.index.fulltext.queryNodes('entity_search', words) YIELD node, score
  RETURN node, score LIMIT $limit
  UNION
  UNWIND $prefixes AS prefix
  CALL (prefix) {
    MATCH (n:Record) WHERE n.id STARTS WITH prefix
    RETURN n LIMIT $limit
  }
  RETURN n AS node, 0.0 AS score
}
WITH node, max(score) AS score
RETURN node.id AS id, coalesce(node.name, node.title, node.summary) AS name,
       node.aliases AS aliases, score
