// purpose: audit: events no primary source backs (count, all events, the first $limit of them)
MATCH (x:Event)
WITH count(x) AS total
OPTIONAL MATCH (e:Event) WHERE NOT EXISTS { (e)-[:SOURCED_FROM]->(:Source {kind: 'primary'}) }
WITH total, e ORDER BY e.id
WITH total, count(e) AS count,
     collect(e {.id, .type, .date,
                sources: COLLECT { MATCH (e)-[:SOURCED_FROM]->(s:Source) RETURN s.id }}) AS items
RETURN count, total, items[..$limit] AS items
