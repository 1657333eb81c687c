// purpose: a webhook's delivery attempts, newest first
MATCH (d:Delivery {webhook: $webhook})
RETURN properties(d) AS d
ORDER BY d.at DESC, d.id DESC
LIMIT $limit
