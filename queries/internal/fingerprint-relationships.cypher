// purpose: relationship count per type, for the graph fingerprint
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS n
ORDER BY type
