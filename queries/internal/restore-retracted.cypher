// purpose: bring retracted records back under their record labels before they are written again
UNWIND $rows AS row
MATCH (n:Retracted {id: row.id})
SET n:$(row.labels)
REMOVE n:Retracted
REMOVE n.retracted_at, n.retracted_by, n.retracted_why, n.retracted_labels
