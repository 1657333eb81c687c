// purpose: forget that records were edited in the app once the dataset holds the same content
UNWIND $rows AS row
MATCH (n:Record {id: row.id})
REMOVE n.edited
