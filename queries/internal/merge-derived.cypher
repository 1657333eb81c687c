// purpose: write the relationships derived from events, each keyed by its event id
UNWIND $rows AS row
MATCH (a:Entity {id: row.start})
MATCH (b:Entity {id: row.end})
MERGE (a)-[r:{{type}} {event_id: row.props.event_id}]->(b)
SET r += row.props
