// purpose: audit: pairs of events of one type, overlapping dates, the same participants and overlapping concerns (the 'by' role aside); an open bound (../D) counts as its known end, since it says nothing about when
MATCH (ev:Event)
WITH count(ev) AS total
WITH total, COLLECT {
  MATCH (e:Event)
  WITH e, COLLECT { MATCH (p:Actor)-[:PARTICIPATED_IN]->(e) RETURN DISTINCT p.id AS id ORDER BY id } AS ps
  WHERE ps <> []
  WITH e.type AS type, ps, collect(e) AS same WHERE size(same) > 1
  UNWIND same AS e1
  UNWIND same AS e2
  WITH type, ps, e1, e2,
       coalesce(e1.date_earliest, e1.date_latest) AS a1, coalesce(e1.date_latest, e1.date_earliest) AS b1,
       coalesce(e2.date_earliest, e2.date_latest) AS a2, coalesce(e2.date_latest, e2.date_earliest) AS b2
  WHERE e1.id < e2.id
    AND (a1 IS NULL OR b2 IS NULL OR a1 <= b2)
    AND (a2 IS NULL OR b1 IS NULL OR a2 <= b1)
  WITH type, ps, e1, e2,
       COLLECT { MATCH (e1)-[r:CONCERNS]->(c) WHERE r.role <> 'by' RETURN DISTINCT c.id } AS c1,
       COLLECT { MATCH (e2)-[r:CONCERNS]->(c) WHERE r.role <> 'by' RETURN DISTINCT c.id } AS c2
  WHERE c1 = [] OR c2 = [] OR any(k IN c1 WHERE k IN c2)
  RETURN {ids: [e1.id, e2.id], type: type, dates: [e1.date, e2.date], participants: ps,
          reason: 'same type, overlapping dates, same participants'} AS item
  ORDER BY item.ids
} AS found
RETURN size(found) AS count, total, found[..$limit] AS items
