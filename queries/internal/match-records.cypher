// purpose: records with these ids: their type label, origin and properties (import matching)
UNWIND $ids AS rid
MATCH (n:Record {id: rid})
RETURN n.id AS id, [l IN labels(n) WHERE l IN $types][0] AS type, n.origin AS origin,
       properties(n) AS props
