// purpose: record where a live import of one source stands, after each page it kept
MERGE (c:ImportCursor {id: $source})
SET c.first_url = $first_url, c.next_url = $next_url, c.pages = $pages,
    c.started = $started, c.updated = $updated, c.finished = $finished
