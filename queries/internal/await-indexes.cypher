// purpose: wait until new indexes are online
CALL db.awaitIndexes(60)
