// purpose: audit: actors that take part in no event and no event concerns (count, all actors, the first $limit)
MATCH (x:Actor)
WITH count(x) AS total
OPTIONAL MATCH (a:Actor)
  WHERE NOT EXISTS { (a)-[:PARTICIPATED_IN]->(:Event) } AND NOT EXISTS { (:Event)-[:CONCERNS]->(a) }
WITH total, a ORDER BY a.id
WITH total, count(a) AS count, collect(a {.id, .name, .kind}) AS items
RETURN count, total, items[..$limit] AS items
