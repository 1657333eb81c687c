// purpose: audit: events and sources dated by a range wider than a year (or open-ended) with no note
MATCH (x:Record) WHERE x:Event OR x:Source
WITH count(x) AS total
OPTIONAL MATCH (r:Record)
  WHERE (r.note IS NULL OR trim(r.note) = '')
    AND ((r:Event AND r.date_precision = 'range'
          AND (r.date_earliest IS NULL OR r.date_latest IS NULL
               OR r.date_latest > r.date_earliest + duration({years: 1})))
      OR (r:Source AND r.published_precision = 'range'
          AND (r.published_earliest IS NULL OR r.published_latest IS NULL
               OR r.published_latest > r.published_earliest + duration({years: 1}))))
WITH total, r ORDER BY r.id
WITH total, count(r) AS count,
     collect(r {.id, date: coalesce(r.date, r.published),
                record: CASE WHEN r:Event THEN 'event' ELSE 'source' END}) AS items
RETURN count, total, items[..$limit] AS items
