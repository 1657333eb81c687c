// purpose: register a webhook (its delivery cursor starts at the newest change)
CREATE (w:Webhook)
SET w = $props
RETURN properties(w) AS w
