// purpose: delete every relationship in batches (an auto-commit transaction; used before deleting nodes, as detaching busy nodes can exceed the transaction memory limit)
MATCH ()-[r]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS
