// purpose: an index on the event id of a derived relationship type
CREATE INDEX {{name}} IF NOT EXISTS FOR ()-[r:{{type}}]-() ON (r.event_id)
