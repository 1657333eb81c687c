// purpose: events sharing a participant or subject with one event, the nearest $limit before and after it in time
MATCH (e:Event {id: $id})
MATCH (e)-[:PARTICIPATED_IN|CONCERNS]-(x:Entity)-[:PARTICIPATED_IN|CONCERNS]-(o:Event)
WHERE o <> e
WITH e, o, collect(DISTINCT {id: x.id, name: x.name}) AS shared,
     coalesce(e.date_earliest, e.date_latest) AS here, coalesce(o.date_earliest, o.date_latest) AS there
WITH o, shared, there,
     coalesce(there < here OR (there = here AND o.id < e.id), false) AS before
ORDER BY there, o.id
WITH before, collect({event_id: o.id, type: o.type, date: o.date, date_precision: o.date_precision,
                      earliest: o.date_earliest, latest: o.date_latest, summary: o.summary,
                      status: o.status, recorded_at: o.recorded_at, reviewed: coalesce(o.reviewed, true), shared: shared}) AS found
RETURN before, size(found) AS total,
       CASE WHEN before THEN found[-$limit..] ELSE found[..$limit] END AS events
