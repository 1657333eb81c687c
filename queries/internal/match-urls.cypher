// purpose: records of one type whose url is one of these (import matching by link)
UNWIND $urls AS u
MATCH (n:{{label}} {url: u})
RETURN u AS url, n.id AS id
