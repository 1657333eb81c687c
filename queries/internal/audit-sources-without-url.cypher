// purpose: audit: sources that carry no URL (count, all sources, the first $limit of them)
MATCH (x:Source)
WITH count(x) AS total
OPTIONAL MATCH (s:Source) WHERE s.url IS NULL OR trim(s.url) = ''
WITH total, s ORDER BY s.id
WITH total, count(s) AS count,
     collect(s {.id, .title, .publisher, .published, .kind, .access}) AS items
RETURN count, total, items[..$limit] AS items
