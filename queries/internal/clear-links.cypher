// purpose: delete the relationships changed records state, before they are written again
UNWIND $rows AS row
MATCH (n:{{label}} {id: row.id})
CALL (n) {
  MATCH (n)-[r]->()
  WHERE type(r) IN $outgoing
  DELETE r
}
CALL (n) {
  MATCH (n)<-[r]-()
  WHERE type(r) IN $incoming
  DELETE r
}
