// purpose: store a new password hash; $bump 1 ends live sessions (0 for a silent rehash)
MATCH (u:User {id: $id})
SET u.password_hash = $hash, u.session_epoch = coalesce(u.session_epoch, 0) + $bump
RETURN u.name AS name
