// purpose: a delivery failed: count it, schedule the retry, release the claim, and disable the webhook past the limit
MATCH (w:Webhook {id: $id})
WHERE w.claim = $claim
WITH w, coalesce(w.failures, 0) + 1 AS failures
SET w.failures = failures,
    w.next_attempt_at = $next,
    w.claimed_until = null, w.claim = null,
    w.enabled = failures < $max,
    w.disabled_reason = CASE WHEN failures < $max THEN w.disabled_reason ELSE $reason END
RETURN w.failures AS failures, w.enabled AS enabled
