// purpose: the names of the indexes that exist
SHOW INDEXES YIELD name
RETURN name
