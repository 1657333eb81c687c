// purpose: the names of the constraints that exist
SHOW CONSTRAINTS YIELD name
RETURN name
