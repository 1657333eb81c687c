// purpose: store a new API token of an existing user, as a digest only
MATCH (u:User {id: $user_id})
CREATE (t:ApiToken {id: $id, user: u.name, label: $label, digest: $digest,
                    created: datetime(), expires: $expires, revoked: false})
RETURN t.id AS id, t.user AS user, t.label AS label, t.created AS created,
       t.expires AS expires, t.revoked AS revoked
