// purpose: audit: every actor's and instrument's names, aliases and place, and the records a rename links it to
MATCH (n:Entity)
RETURN n.id AS id, head([l IN labels(n) WHERE l IN ['Actor', 'Instrument']]) AS type,
       n.kind AS kind, n.name AS name, coalesce(n.aliases, []) AS aliases,
       COLLECT { MATCH (n)-[:BASED_IN|IN_JURISDICTION]->(p:Entity) RETURN p.id } AS places,
       COLLECT { MATCH (n)-[:SUCCEEDED_BY|SUPERSEDED]-(m:Entity) RETURN m.id } AS lineage
ORDER BY n.id
