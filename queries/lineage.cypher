// title: Lineage
// description: An organization's predecessors and successors (renames) and the bodies it sits in, with the dates and sources of each link.
// param: id id required
// param: reviewed_only bool false
// example: id=agency:caisi
// returns: id id, name text, relation text, other_id id, other text, other_kind text, reviewed bool
// returns: depth int, date date, event_id id, sources sources
MATCH (n:Entity {id: $id})
CALL (n) {
  MATCH p = (x:Entity)-[:SUCCEEDED_BY*1..10]->(n)
  WHERE NOT $reviewed_only OR all(y IN nodes(p) + relationships(p) WHERE coalesce(y.reviewed, true))
  RETURN 'predecessor' AS relation, x AS other, length(p) AS depth, last(relationships(p)) AS link,
         relationships(p)[0] AS via
  UNION
  MATCH p = (n)-[:SUCCEEDED_BY*1..10]->(x:Entity)
  WHERE NOT $reviewed_only OR all(y IN nodes(p) + relationships(p) WHERE coalesce(y.reviewed, true))
  RETURN 'successor' AS relation, x AS other, length(p) AS depth, relationships(p)[-1] AS link,
         relationships(p)[-1] AS via
  UNION
  MATCH p = (n)-[:PART_OF*1..10]->(x:Entity)
  WHERE NOT $reviewed_only OR all(y IN nodes(p) WHERE coalesce(y.reviewed, true))
  RETURN 'part_of' AS relation, x AS other, length(p) AS depth, relationships(p)[-1] AS link,
         relationships(p)[-1] AS via
}
OPTIONAL MATCH (src:Source) WHERE src.id IN coalesce(via.sources, [])
WITH n, relation, other, depth, via, collect({id: src.id, publisher: src.publisher,
     title: src.title, url: src.url, published: src.published}) AS event_sources
OPTIONAL MATCH (other)-[:SOURCED_FROM]->(os:Source)
WITH n, relation, other, depth, via, event_sources,
     collect({id: os.id, publisher: os.publisher, title: os.title, url: os.url,
              published: os.published}) AS record_sources
RETURN n.id AS id, n.name AS name, relation, other.id AS other_id, other.name AS other,
       other.kind AS other_kind, coalesce(other.reviewed, true) AS reviewed, depth, via.date AS date, via.event_id AS event_id,
       CASE WHEN size(event_sources) > 0 AND event_sources[0].id IS NOT NULL
            THEN event_sources ELSE record_sources END AS sources
ORDER BY relation, depth, other
