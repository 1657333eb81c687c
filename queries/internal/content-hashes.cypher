// purpose: id, content hash and origin of every node of one record type
MATCH (n:{{label}})
RETURN n.id AS id, n.content_hash AS h, n.origin AS origin
