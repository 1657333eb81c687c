// purpose: a person confirms imported records (and what their events derived) as reviewed
UNWIND $ids AS rid
MATCH (n:Record {id: rid})
SET n.reviewed = true, n.reviewed_by = $by, n.reviewed_on = $on
WITH n
OPTIONAL MATCH ()-[r:{{types}}]->() WHERE r.event_id = n.id
SET r.reviewed = true
RETURN count(DISTINCT n) AS confirmed
