// purpose: accept or reject a proposal only while it is still pending (locks it first, so two editors cannot both decide it)
MATCH (p:Proposal {id: $id})
SET p.deciding = true
WITH p, p.status = 'pending' AS open
REMOVE p.deciding
WITH p, open
WHERE open
SET p.status = $status, p.decided_by = $by, p.decided_at = $at, p.reason = $reason,
    p.revision = $revision
RETURN p.id AS id
