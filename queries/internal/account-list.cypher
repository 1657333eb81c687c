// purpose: every user, by name, without password hashes
MATCH (u:User)
RETURN u.name AS name, u.role AS role, u.active AS active, u.created AS created
ORDER BY u.name
