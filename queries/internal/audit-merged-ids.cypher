// purpose: audit: records that carry former ids (merged records), with those ids
MATCH (x:Record) WHERE x:Entity OR x:Event
WITH count(x) AS total
OPTIONAL MATCH (r:Record) WHERE r.former_ids IS NOT NULL AND size(r.former_ids) > 0
WITH total, r ORDER BY r.id
WITH total, count(r) AS count,
     collect(r {.id, name: coalesce(r.name, r.summary), .former_ids}) AS items
RETURN count, total, items[..$limit] AS items
