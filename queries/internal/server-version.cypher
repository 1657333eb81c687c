// purpose: the Neo4j server's version, for `govgraph db status`
CALL dbms.components() YIELD versions
RETURN versions[0] AS v
