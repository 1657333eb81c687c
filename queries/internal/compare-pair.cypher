// purpose: the labels of the two records a comparison names, to check they are a pair
MATCH (n:Record) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
