// purpose: events in $from..$to (all when both null), with their degree
MATCH (e:Event)
WHERE ($from IS NULL OR e.date_latest IS NULL OR e.date_latest >= $from)
  AND ($to IS NULL OR e.date_earliest IS NULL OR e.date_earliest <= $to)
RETURN e.id AS id, 'event' AS kind, COUNT { (e)-[:!SOURCED_FROM&!CITES]-() } AS degree
