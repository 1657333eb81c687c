// purpose: take the next N revision numbers (the counter node is locked until the transaction ends)
MERGE (c:Counter {id: 'revision'})
ON CREATE SET c.value = 0
SET c.value = c.value + $n
RETURN c.value AS last
