// purpose: audit: instruments no actor issued, signed, enacted or created (count, all instruments, the first $limit)
MATCH (x:Instrument)
WITH count(x) AS total
OPTIONAL MATCH (i:Instrument)
  WHERE NOT EXISTS { (:Actor)-[:ISSUED|CREATED]->(i) }
    AND NOT EXISTS { (:Actor)-[:PARTICIPATED_IN {role: 'issuer'}]->(:Event)-[:CONCERNS]->(i) }
WITH total, i ORDER BY i.id
WITH total, count(i) AS count, collect(i {.id, .name, .kind, .status}) AS items
RETURN count, total, items[..$limit] AS items
