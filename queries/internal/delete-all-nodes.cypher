// purpose: delete every node in batches (an auto-commit transaction; relationships go first)
MATCH (n)
CALL (n) { DELETE n } IN TRANSACTIONS OF 20000 ROWS
