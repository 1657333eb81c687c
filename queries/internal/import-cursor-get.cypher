// purpose: where a live import of one source stands (next URL, pages kept), to resume it
MATCH (c:ImportCursor {id: $source})
RETURN c.id AS source, c.first_url AS first_url, c.next_url AS next_url, c.pages AS pages,
       c.started AS started, c.updated AS updated, c.finished AS finished
