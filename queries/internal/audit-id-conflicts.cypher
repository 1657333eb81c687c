// purpose: audit: former ids that cannot resolve: still a live record's id, or claimed by two records
MATCH (x:Record) WHERE x:Entity OR x:Event
WITH count(x) AS total
WITH total, COLLECT {
  MATCH (r:Record) WHERE r.former_ids IS NOT NULL
  UNWIND r.former_ids AS former
  WITH former, collect(DISTINCT r.id) AS claimed_by
  OPTIONAL MATCH (live:Record {id: former})
  WITH former, claimed_by, live WHERE live IS NOT NULL OR size(claimed_by) > 1
  RETURN {id: former, claimed_by: claimed_by, live: live IS NOT NULL} AS item ORDER BY item.id
} AS found
RETURN size(found) AS count, total, found[..$limit] AS items
