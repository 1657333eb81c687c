// purpose: audit: events no actor takes part in (count, all events, the first $limit of them)
MATCH (x:Event)
WITH count(x) AS total
OPTIONAL MATCH (e:Event) WHERE NOT EXISTS { (:Actor)-[:PARTICIPATED_IN]->(e) }
WITH total, e ORDER BY e.id
WITH total, count(e) AS count, collect(e {.id, .type, .date, .summary}) AS items
RETURN count, total, items[..$limit] AS items
