// purpose: store a contributor's proposal (a new record or a correction), pending review
CREATE (p:Proposal {id: $id})
SET p += $props
RETURN p.id AS id
