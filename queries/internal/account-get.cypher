// purpose: one user's account (role, state, password hash, session epoch) by id
MATCH (u:User {id: $id})
RETURN u.name AS name, u.role AS role, u.active AS active, u.password_hash AS hash,
       u.session_epoch AS epoch, u.created AS created
