// purpose: id, content hash, origin, revision number and last editor of every node of one record type
MATCH (n:{{label}})
RETURN n.id AS id, n.content_hash AS h, n.origin AS origin, coalesce(n.rev, 0) AS rev,
       n.edited AS edited
