// purpose: a range index on one property of one schema label
CREATE INDEX {{name}} IF NOT EXISTS FOR (n:{{label}}) ON (n.{{property}})
