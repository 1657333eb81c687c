// purpose: executive orders recorded under one of these numbers (import matching)
UNWIND $numbers AS num
MATCH (n:{{label}} {number: num})
RETURN num AS number, n.id AS id
