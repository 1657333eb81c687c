// purpose: node count per label, for the graph fingerprint
MATCH (n)
UNWIND labels(n) AS l
RETURN l AS label, count(*) AS n
ORDER BY l
