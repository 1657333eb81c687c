// purpose: a retracted record's retraction (when, by whom, why), for a clear 404
MATCH (n:Retracted {id: $id})
RETURN n.retracted_at AS at, n.retracted_by AS by, n.retracted_why AS why
