// purpose: the enabled webhooks behind the newest change, not waiting for a retry and not claimed
MATCH (w:Webhook)
WHERE w.enabled AND w.delivered_seq < $latest
  AND (w.next_attempt_at IS NULL OR w.next_attempt_at <= $now)
  AND (w.claimed_until IS NULL OR w.claimed_until <= $now)
RETURN w.id AS id
ORDER BY w.id
