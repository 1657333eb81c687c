// purpose: how many revisions were recorded after a moment
MATCH (r:Revision)
WHERE r.at > datetime($at)
RETURN count(r) AS n
