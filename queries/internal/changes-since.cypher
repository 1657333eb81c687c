// purpose: revisions after a sequence number (and time), oldest first, optionally of some records
MATCH (r:Revision)
WHERE r.seq > $since_seq
  AND ($since_at IS NULL OR r.at > datetime($since_at))
  AND ($ids IS NULL OR r.record_id IN $ids)
RETURN properties(r) AS r
ORDER BY r.seq
LIMIT $limit
