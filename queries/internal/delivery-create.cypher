// purpose: log one delivery attempt to a webhook (outcome, status or error class, timing; never the secret)
CREATE (d:Delivery)
SET d = $props
