// purpose: a user's API tokens (never their digests), newest first
MATCH (t:ApiToken {user: $name})
RETURN t.id AS id, t.user AS user, t.label AS label, t.created AS created,
       t.expires AS expires, t.revoked AS revoked
ORDER BY t.created DESC
