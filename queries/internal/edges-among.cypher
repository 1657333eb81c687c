// purpose: every relationship between two of the given record ids, dated ones outside $from..$to left out
UNWIND $ids AS aid
MATCH (a:Record {id: aid})-[r]->(b:Record)
WHERE b.id IN $ids
  AND ($from IS NULL OR r.date_latest IS NULL OR r.date_latest >= $from)
  AND ($to IS NULL OR r.date_earliest IS NULL OR r.date_earliest <= $to)
RETURN a.id AS source, b.id AS target, type(r) AS type, r.role AS role, r.date AS date,
       r.date_precision AS date_precision, r.event_id AS event_id, r.status AS status,
       r.sources AS sources, toString(r.recorded_at) AS recorded_at
ORDER BY source, target, type
