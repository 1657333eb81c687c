// purpose: the hostile user queries benchmarks/hostile_load.py posts to /api/cypher, one a line
// A single-row CPU burner: Neo4j cannot interrupt it; it holds its slot until done.
RETURN reduce(s = 0, x IN range(1, 200000000) | s + x) AS s
// Row-producing work that Neo4j stops at the transaction's timeout.
UNWIND range(1, 100000000000) AS x WITH x WHERE x % 7 = 0 RETURN count(*) AS n
// 100 rows of 1 MiB strings: cut by the byte cap.
UNWIND range(1, 100) AS i RETURN i, reduce(s = 'x', j IN range(1, 20) | s + s) AS blob
// An answer nested 260 levels deep: refused with a 400.
RETURN reduce(l = [], x IN range(1, 260) | [l]) AS v
// A cartesian product over every node.
MATCH (a), (b), (c) RETURN count(*) AS n
