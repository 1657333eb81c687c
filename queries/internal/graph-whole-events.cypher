// purpose: events in $from..$to (all when both null), the $cap best connected (count-by-kind queries give the totals)
MATCH (e:Event)
WHERE ($from IS NULL OR e.date_latest IS NULL OR e.date_latest >= $from)
  AND ($to IS NULL OR e.date_earliest IS NULL OR e.date_earliest <= $to)
RETURN e.id AS id, 'event' AS kind, COUNT { (e)--() } - COUNT { (e)-[:SOURCED_FROM]-() } - COUNT { (e)-[:CITES]-() } AS degree
ORDER BY degree DESC, id
LIMIT $cap
