// purpose: unreviewed records, optionally of one origin, oldest first
MATCH (n:Record)
WHERE n.reviewed = false AND ($origin IS NULL OR n.origin = $origin)
RETURN n.id AS id, n.origin AS origin, coalesce(n.name, n.title, n.summary) AS label,
       n.recorded_at AS recorded_at
ORDER BY n.recorded_at, n.id
SKIP $offset LIMIT $limit
