// purpose: end every live web session of a user (a new session epoch)
MATCH (u:User {id: $id})
SET u.session_epoch = coalesce(u.session_epoch, 0) + 1
RETURN u.session_epoch AS epoch
