// purpose: every registered webhook, oldest first
MATCH (w:Webhook)
RETURN properties(w) AS w
ORDER BY w.created, w.id
