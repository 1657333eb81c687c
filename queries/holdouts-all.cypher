// title: Holdouts across every agreement
// description: The holdouts question asked of every agreement and program at once: each actor of a kind (default any) that had not joined a target it had a stated position on, with its standing and latest position. The rule is holdouts': a holdout's latest stated position (among pressed to join, negotiating, declined and withdrew) is pressed to join or negotiating and it had not joined as of the date; an actor whose latest position is declined has the standing declined, one whose latest is withdrew the standing withdrew. standing picks holdout, declined, withdrew or any (the default: who declined or is holding out from anything); target_kind narrows the agreements (commitments, program, declaration ...).
// param: kind kind any
// param: target_kind kind any
// param: as_of date null
// param: standing standing any
// param: reviewed_only bool false
// example: kind=lab standing=any
// returns: actor_id id, actor text, kind text, target_id id, target text, standing text
// returns: latest_position text, position_summary text, date date, date_precision text, status text
// returns: event_id id, reviewed bool, sources sources, recorded_at date
MATCH (target:Entity)<-[r:PRESSED_TO_JOIN|NEGOTIATING|DECLINED|WITHDREW_FROM]-(a:Actor)
WHERE ($kind = 'any' OR a.kind = $kind)
  AND ($target_kind = 'any' OR target.kind = $target_kind)
  AND (NOT $reviewed_only OR coalesce(r.reviewed, true))
  AND ($as_of IS NULL OR r.date_earliest IS NULL OR r.date_earliest <= $as_of)
// the latest stated position: undated ones last; on a tie, the actor's own words beat being pressed
WITH target, a, r, coalesce(r.date_latest, r.date_earliest) AS day
ORDER BY day IS NULL, day DESC, type(r) = 'PRESSED_TO_JOIN', r.event_id
WITH target, a, collect(r)[0] AS latest
// not joined: no joining that parties-to lists as of the date (yes or uncertain)
WHERE NOT EXISTS {
  MATCH (a)-[p:PARTY_TO]->(target)
  WHERE ($as_of IS NULL OR p.date_earliest IS NULL OR p.date_earliest <= $as_of)
    AND (NOT $reviewed_only OR coalesce(p.reviewed, true))
    AND NOT EXISTS {
      MATCH (a)-[w:WITHDREW_FROM]->(target)
      WHERE w.date_latest IS NOT NULL
        AND w.date_latest >= coalesce(p.date_earliest, w.date_latest)
        AND ($as_of IS NULL OR w.date_latest <= $as_of)
        AND (NOT $reviewed_only OR coalesce(w.reviewed, true))
    }
}
WITH target, a, latest,
     CASE type(latest)
       WHEN 'DECLINED' THEN 'declined'
       WHEN 'WITHDREW_FROM' THEN 'withdrew'
       ELSE 'holdout'
     END AS standing
WHERE $standing = 'any' OR standing = $standing
MATCH (e:Event {id: latest.event_id})
OPTIONAL MATCH (e)-[:SOURCED_FROM]->(s:Source)
WITH target, a, standing, e, s ORDER BY s.id
RETURN a.id AS actor_id, a.name AS actor, a.kind AS kind, target.id AS target_id,
       target.name AS target, standing, e.type AS latest_position,
       e.summary AS position_summary, e.date AS date, e.date_precision AS date_precision,
       e.status AS status, e.id AS event_id, coalesce(e.reviewed, true) AS reviewed,
       collect(s {.id, .publisher, .title, .url, .published}) AS sources,
       e.recorded_at AS recorded_at
ORDER BY target, target_id, actor, actor_id
