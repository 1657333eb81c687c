// purpose: docs/schema.md example: the same parties read from joined/signed events, no shortcut
MATCH (a:Actor)-[p:PARTICIPATED_IN {role: 'party'}]->(e:Event)
      -[:CONCERNS {role: 'subject'}]->(x:Entity {id: $target})
WHERE e.type IN ['joined', 'signed']
RETURN a.name AS name, e.type AS how, e.date AS date, e.date_precision AS precision,
       e.status AS status,
       [(e)-[:SOURCED_FROM]->(s:Source) | s.id] AS sources
ORDER BY name
