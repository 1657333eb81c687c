// purpose: actors and instruments of the given kinds (all when null) with an event in $from..$to (any when both null), the $cap best connected (count-by-kind queries give the totals)
MATCH (n:Entity)
WHERE ($kinds IS NULL OR n.kind IN $kinds)
  AND (($from IS NULL AND $to IS NULL) OR EXISTS {
    MATCH (n)-[:PARTICIPATED_IN|CONCERNS]-(e:Event)
    WHERE ($from IS NULL OR e.date_latest IS NULL OR e.date_latest >= $from)
      AND ($to IS NULL OR e.date_earliest IS NULL OR e.date_earliest <= $to)
  })
RETURN n.id AS id, n.kind AS kind, COUNT { (n)--() } - COUNT { (n)-[:SOURCED_FROM]-() } - COUNT { (n)-[:CITES]-() } AS degree
ORDER BY degree DESC, id
LIMIT $cap
