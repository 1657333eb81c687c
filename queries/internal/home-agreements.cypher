// purpose: the home page's programs and agreements: name, kind, status and first issued date, capped
MATCH (i:Instrument)
WHERE i.kind IN $kinds AND (NOT $reviewed_only OR coalesce(i.reviewed, true))
CALL (i) {
  OPTIONAL MATCH (:Actor)-[r:ISSUED]->(i)
  WITH r ORDER BY r.date_earliest
  RETURN head(collect(r.date)) AS issued, head(collect(r.date_earliest)) AS first
}
RETURN i.id AS id, i.name AS name, i.kind AS kind, i.status AS status, issued
ORDER BY coalesce(first, date('9999-12-31')), name
LIMIT $limit
