// purpose: how many actors and instruments of the given kinds (all when null), and events, fall in $from..$to, by kind
CALL () {
  MATCH (n:Entity)
  WHERE $entities AND ($kinds IS NULL OR n.kind IN $kinds)
    AND (($from IS NULL AND $to IS NULL) OR EXISTS {
      MATCH (n)-[:PARTICIPATED_IN|CONCERNS]-(e:Event)
      WHERE ($from IS NULL OR e.date_latest IS NULL OR e.date_latest >= $from)
        AND ($to IS NULL OR e.date_earliest IS NULL OR e.date_earliest <= $to)
    })
  RETURN n.kind AS kind, count(n) AS n
  UNION ALL
  MATCH (e:Event)
  WHERE $events
    AND ($from IS NULL OR e.date_latest IS NULL OR e.date_latest >= $from)
    AND ($to IS NULL OR e.date_earliest IS NULL OR e.date_earliest <= $to)
  RETURN 'event' AS kind, count(e) AS n
}
RETURN kind, sum(n) AS n
