// purpose: id, name, aliases and kind of every record of one type (import matching by name)
MATCH (n:{{label}})
RETURN n.id AS id, n.name AS name, n.aliases AS aliases, n.kind AS kind
