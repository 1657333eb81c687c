// purpose: take records out of answers: drop their relationships and labels, keep the node as Retracted
UNWIND $rows AS row
MATCH (n:Record {id: row.id})
CALL (n) {
  MATCH (n)-[r]-()
  DELETE r
}
WITH n, row, [label IN labels(n) WHERE label <> 'Retracted'] AS gone
REMOVE n:$(gone)
SET n:Retracted, n.retracted_at = datetime(row.at), n.retracted_by = row.by,
    n.retracted_why = row.why, n.rev = row.rev, n.retracted_labels = gone,
    n.edited = row.edited
