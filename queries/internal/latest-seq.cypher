// purpose: the newest revision number (0 when nothing was recorded)
OPTIONAL MATCH (c:Counter {id: 'revision'})
RETURN coalesce(c.value, 0) AS seq
