// purpose: the Cypher console's example query, shown when the console opens
MATCH (a:Actor)-[r:PARTY_TO]->(p:Program)
RETURN a.name AS actor, r.date AS date, p.name AS program, a, r, p
LIMIT 25
