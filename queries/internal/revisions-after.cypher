// purpose: each record's earliest revision after a moment (its state then is that revision's before)
MATCH (r:Revision)
WHERE r.at > datetime($at)
WITH r ORDER BY r.seq
WITH r.record_id AS id, collect(r)[0] AS first, count(*) AS n
RETURN id, first.record_type AS type, first.op AS op, first.before AS before, n
