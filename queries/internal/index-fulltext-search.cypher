// purpose: the full-text index behind search (case- and accent-folded)
CREATE FULLTEXT INDEX {{name}} IF NOT EXISTS FOR (n:{{label}})
ON EACH [n.search_text] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}
