// purpose: one proposal with every stored field, by id
MATCH (p:Proposal {id: $id})
RETURN properties(p) AS p
