// purpose: delete the relationships derived from the given events
UNWIND $rows AS row
MATCH ()-[r:{{types}}]->()
WHERE r.event_id = row.id
DELETE r
