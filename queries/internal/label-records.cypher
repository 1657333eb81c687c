// purpose: give the common record label to nodes written before it existed
MATCH (n)
WHERE any(l IN labels(n) WHERE l IN $labels) AND NOT n:{{record}}
SET n:{{record}}
