// title: Sources for a record
// description: Every source behind an actor's, instrument's or event's facts (its own record and the events it takes part in), with the chains of sources each one cites.
// param: id id required
// param: reviewed_only bool false
// example: id=org:meta
// returns: source_id id, publisher text, title text, url text, published date, kind text, note text
// returns: reviewed bool, supports list, cites list
MATCH (n {id: $id})
WHERE n:Entity OR n:Event
CALL (n) {
  MATCH (n)-[:SOURCED_FROM]->(s:Source)
  WHERE (NOT $reviewed_only OR coalesce(s.reviewed, true))
  RETURN s, n.id AS via
  UNION
  MATCH (n)-[:PARTICIPATED_IN|CONCERNS]-(e:Event)-[:SOURCED_FROM]->(s:Source)
  WHERE (NOT $reviewed_only OR coalesce(e.reviewed, true)) AND (NOT $reviewed_only OR coalesce(s.reviewed, true))
  RETURN s, e.id AS via
}
WITH s, collect(DISTINCT via) AS backs
OPTIONAL MATCH chain = (s)-[:CITES*1..5]->(c:Source)
WITH s, backs, collect(CASE WHEN chain IS NULL THEN NULL ELSE [x IN nodes(chain) | x.id] END) AS chains
RETURN s.id AS source_id, s.publisher AS publisher, s.title AS title, s.url AS url,
       s.published AS published, s.kind AS kind, s.note AS note,
       coalesce(s.reviewed, true) AS reviewed, backs AS supports,
       chains AS cites
ORDER BY s.published, s.id
