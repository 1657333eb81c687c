// purpose: one API token's public fields by id
MATCH (t:ApiToken {id: $id})
RETURN t.id AS id, t.user AS user, t.label AS label, t.created AS created,
       t.expires AS expires, t.revoked AS revoked
