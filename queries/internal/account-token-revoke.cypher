// purpose: revoke one API token (kept, marked revoked, so it never works again)
MATCH (t:ApiToken {id: $id})
SET t.revoked = true, t.revoked_at = coalesce(t.revoked_at, datetime())
RETURN t.id AS id, t.user AS user, t.label AS label, t.created AS created,
       t.expires AS expires, t.revoked AS revoked
