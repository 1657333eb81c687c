// purpose: the id, name and kind of one actor or instrument (empty when there is none)
MATCH (n:Record {id: $id})
WHERE n:Entity
RETURN n.id AS id, n.name AS name, n.kind AS kind
