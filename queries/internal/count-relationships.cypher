// purpose: how many relationships the graph holds
MATCH ()-[r]->()
RETURN count(r) AS n
