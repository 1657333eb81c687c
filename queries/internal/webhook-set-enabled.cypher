// purpose: turn a webhook's deliveries off (with the reason) or on again (its failures forgotten)
MATCH (w:Webhook {id: $id})
SET w.enabled = $enabled,
    w.disabled_reason = $reason,
    w.failures = CASE WHEN $enabled THEN 0 ELSE w.failures END,
    w.next_attempt_at = null
RETURN properties(w) AS w
