// purpose: add a user unless the name is taken (the unique id makes a race lose cleanly)
MERGE (u:User {id: $id})
ON CREATE SET u.name = $name, u.role = $role, u.active = true, u.password_hash = $hash,
              u.created = datetime(), u.session_epoch = 0, u.fresh = true
WITH u, coalesce(u.fresh, false) AS created
REMOVE u.fresh
RETURN created
