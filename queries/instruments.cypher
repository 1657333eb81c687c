// title: Instruments
// description: Executive orders, laws, programs and agreements, filtered by kind and issuer, with who issued or signed them and when, what they established, revoked or superseded, and sources.
// param: kind kind any
// param: issuer id null
// param: id id null
// param: reviewed_only bool false
// example: kind=executive_order
// returns: id id, name text, kind text, number text, status text, summary text, terms list
// returns: reviewed bool, issued_by list, acts_on list, acted_on_by list, administered_by list
// returns: sources sources
MATCH (i:Instrument)
WHERE ($kind = 'any' OR i.kind = $kind)
  AND ($id IS NULL OR i.id = $id)
  AND (NOT $reviewed_only OR coalesce(i.reviewed, true))
  AND ($issuer IS NULL OR EXISTS { MATCH (:Actor {id: $issuer})-[:ISSUED]->(i) })
CALL (i) {
  OPTIONAL MATCH (a:Actor)-[r:ISSUED]->(i)
  WHERE (NOT $reviewed_only OR coalesce(r.reviewed, true))
  WITH a, r ORDER BY r.date_earliest
  RETURN collect({id: a.id, name: a.name, date: r.date, event_id: r.event_id}) AS issued_by
}
CALL (i) {
  OPTIONAL MATCH (i)-[r:ESTABLISHED|REVOKED|SUPERSEDED|AMENDED]->(x:Entity)
  WHERE (NOT $reviewed_only OR coalesce(r.reviewed, true))
  RETURN collect({relation: type(r), id: x.id, name: x.name, date: r.date}) AS acts_on
}
CALL (i) {
  OPTIONAL MATCH (x:Entity)-[r:ESTABLISHED|REVOKED|SUPERSEDED|AMENDED]->(i)
  WHERE (NOT $reviewed_only OR coalesce(r.reviewed, true))
  RETURN collect({relation: type(r), id: x.id, name: x.name, date: r.date}) AS acted_on_by
}
CALL (i) {
  OPTIONAL MATCH (i)-[:ADMINISTERED_BY]->(adm:Actor)
  RETURN collect({id: adm.id, name: adm.name}) AS administered_by
}
CALL (i) {
  MATCH (i)-[sf:SOURCED_FROM]->(s:Source)
  WITH s, sf ORDER BY sf.ord
  RETURN collect({id: s.id, publisher: s.publisher, title: s.title, url: s.url,
                  published: s.published}) AS sources
}
RETURN i.id AS id, i.name AS name, i.kind AS kind, i.number AS number, i.status AS status,
       i.summary AS summary, i.terms AS terms, coalesce(i.reviewed, true) AS reviewed,
       [x IN issued_by WHERE x.id IS NOT NULL] AS issued_by,
       [x IN acts_on WHERE x.id IS NOT NULL] AS acts_on,
       [x IN acted_on_by WHERE x.id IS NOT NULL] AS acted_on_by,
       [x IN administered_by WHERE x.id IS NOT NULL] AS administered_by, sources
ORDER BY coalesce(issued_by[0].date, 'zzzz'), name
