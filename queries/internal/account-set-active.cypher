// purpose: enable or disable a user; a new session epoch ends every live session at once
MATCH (u:User {id: $id})
SET u.active = $active, u.session_epoch = coalesce(u.session_epoch, 0) + 1
RETURN u.name AS name, u.role AS role, u.active AS active, u.created AS created
