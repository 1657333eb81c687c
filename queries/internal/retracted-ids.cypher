// purpose: retracted records among some ids, and whether the app (not an ingest) retracted them
UNWIND $ids AS id
MATCH (n:Retracted {id: id})
RETURN n.id AS id, n.edited AS edited
