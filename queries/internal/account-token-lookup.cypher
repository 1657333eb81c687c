// purpose: the token with this digest and its user's account
MATCH (t:ApiToken {digest: $digest})
MATCH (u:User {name: t.user})
RETURN t.expires AS expires, t.revoked AS revoked, u.name AS name, u.role AS role,
       u.active AS active
