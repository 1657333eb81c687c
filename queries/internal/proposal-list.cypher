// purpose: proposals, newest first, optionally of one status and one contributor
MATCH (p:Proposal)
WHERE ($status IS NULL OR p.status = $status) AND ($by IS NULL OR p.by = $by)
RETURN properties(p) AS p
ORDER BY p.created DESC, p.id
LIMIT $limit
