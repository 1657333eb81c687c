// purpose: a batch was accepted: move the webhook's cursor on and release the claim (only the claim holder may)
MATCH (w:Webhook {id: $id})
WHERE w.claim = $claim
SET w.delivered_seq = CASE WHEN $seq > w.delivered_seq THEN $seq ELSE w.delivered_seq END,
    w.failures = 0, w.next_attempt_at = null, w.claimed_until = null, w.claim = null,
    w.last_success_at = $now
RETURN w.delivered_seq AS delivered_seq
