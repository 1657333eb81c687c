// purpose: resolve an id: the record that has it, else the records that list it among their former ids
OPTIONAL MATCH (n:Record {id: $id})
// only a miss looks at former ids (an empty list skips that part of the plan)
WITH n, CASE WHEN n IS NULL THEN [$id] ELSE [] END AS wanted
CALL (wanted) {
  UNWIND wanted AS w
  MATCH (m:Record) WHERE m.former_ids IS NOT NULL AND w IN m.former_ids
  RETURN collect(m.id) AS kept
}
RETURN n.id AS id, kept
