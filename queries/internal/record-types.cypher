// purpose: the labels of the live records among some ids (for reference checks of a small change)
UNWIND $ids AS id
MATCH (n:Record {id: id})
RETURN n.id AS id, labels(n) AS labels
