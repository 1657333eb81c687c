// title: Where sources disagree
// description: Fields where an imported source states another value than the record holds (a date a day apart, another title, a status). The record's value stays (curated facts win); both are listed with their sources.
// param: id id null
// param: origin text null
// example: id=eo:13859
// returns: id id, name text, field text, ours text, theirs text, claimed_in text
// returns: their_source object, our_sources sources
MATCH (c:Claim)-[:ABOUT]->(n:Record)
WHERE ($id IS NULL OR n.id = $id)
  AND ($origin IS NULL OR c.origin = $origin)
  AND c.field IN keys(n)
  AND valueType(n[c.field]) STARTS WITH 'STRING'
  AND n[c.field] <> c.value
MATCH (c)-[:CLAIMED_BY]->(theirs:Source)
CALL (n) {
  OPTIONAL MATCH (n)-[sf:SOURCED_FROM]->(s:Source)
  WITH s, sf ORDER BY sf.ord
  RETURN [x IN collect({id: s.id, publisher: s.publisher, title: s.title, url: s.url,
                        published: s.published}) WHERE x.id IS NOT NULL] AS our_sources
}
RETURN n.id AS id, coalesce(n.name, n.summary) AS name, c.field AS field,
       n[c.field] AS ours, c.value AS theirs, c.origin AS claimed_in,
       {id: theirs.id, publisher: theirs.publisher, title: theirs.title, url: theirs.url,
        published: theirs.published, retrieved: theirs.retrieved} AS their_source,
       our_sources
ORDER BY id, field, their_source.id
