// purpose: the full-text index over event summaries and source titles behind /api/search (case- and accent-folded)
CREATE FULLTEXT INDEX {{name}} IF NOT EXISTS FOR (n:{{labels}})
ON EACH [n.summary, n.title] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}
