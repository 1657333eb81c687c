// purpose: one webhook by id
MATCH (w:Webhook {id: $id})
RETURN properties(w) AS w
