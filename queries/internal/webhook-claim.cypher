// purpose: claim one due webhook for one worker: lock the node first, then check it is still due
MATCH (w:Webhook {id: $id})
SET w.claim_lock = true
WITH w
WHERE w.enabled AND w.delivered_seq < $latest
  AND (w.next_attempt_at IS NULL OR w.next_attempt_at <= $now)
  AND (w.claimed_until IS NULL OR w.claimed_until <= $now)
SET w.claimed_until = $until, w.claim = $claim
RETURN properties(w) AS w
