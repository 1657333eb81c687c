// purpose: docs/schema.md example: was each party in the target as of a day (yes, no, uncertain)
MATCH (a:Actor)-[r:PARTY_TO]->(:Entity {id: $target})
RETURN a.name AS name, r.date AS date,
       CASE
         WHEN r.date_latest IS NOT NULL AND r.date_latest <= date($as_of) THEN 'yes'
         WHEN r.date_earliest IS NOT NULL AND r.date_earliest > date($as_of) THEN 'no'
         ELSE 'uncertain'
       END AS party_as_of
ORDER BY name
