// title: Compare two instruments or two actors
// description: Who is party to instrument a and not b, to both, and to b and not a; or, for two actors, which instruments each is party to, in the same three sets (a_only, both, b_only). Party means what parties-to lists: a joining that may date from on or before as_of (a date range straddling as_of is uncertain, and still counts) without a later withdrawal by then; a member that rejoined is shown by its latest joining. Each row gives the member's standing towards a and b (party, uncertain or not party) and the date, event and sources of each joining. An actor and an instrument cannot be compared.
// param: a id required
// param: b id required
// param: as_of date null
// param: reviewed_only bool false
// example: a=agreement:us-voluntary-commitments-2023-07 b=program:caisi-frontier-review
// returns: set text, member_id id, member text, kind text, a_standing text, b_standing text
// returns: a_id id, a text, b_id id, b text, a_date date, a_date_precision text, a_event_id id
// returns: b_date date, b_date_precision text, b_event_id id, reviewed bool
// returns: a_sources sources, b_sources sources
MATCH (na:Entity {id: $a}), (nb:Entity {id: $b})
UNWIND [['a', na], ['b', nb]] AS pick
WITH na, nb, pick[0] AS side, pick[1] AS n
CALL (n) {
  // for an actor: the instruments it joined; for an instrument: the actors that joined it
  MATCH (n)-[r:PARTY_TO]->(m:Entity) WHERE n:Actor
  RETURN m, r, n AS actor, m AS target
  UNION
  MATCH (n)<-[r:PARTY_TO]-(m:Actor) WHERE NOT n:Actor
  RETURN m, r, m AS actor, n AS target
}
WITH na, nb, side, m, r, actor, target,
     CASE
       WHEN $as_of IS NULL THEN 'party'
       WHEN r.date_latest IS NOT NULL AND r.date_latest <= $as_of THEN 'party'
       WHEN r.date_earliest IS NOT NULL AND r.date_earliest > $as_of THEN 'not party'
       ELSE 'uncertain'
     END AS standing
WHERE standing <> 'not party'
  AND (NOT $reviewed_only OR coalesce(r.reviewed, true))
  AND NOT EXISTS {
    // the same withdrawal rule as parties-to: only one after this joining (and by as_of) counts
    MATCH (actor)-[w:WITHDREW_FROM]->(target)
    WHERE w.date_latest IS NOT NULL
      AND w.date_latest >= coalesce(r.date_earliest, w.date_latest)
      AND ($as_of IS NULL OR w.date_latest <= $as_of)
      AND (NOT $reviewed_only OR coalesce(w.reviewed, true))
  }
WITH na, nb, side, m, r, standing
ORDER BY coalesce(r.date_latest, r.date_earliest) IS NULL, coalesce(r.date_latest, r.date_earliest) DESC, r.event_id
WITH na, nb, side, m, collect({r: r, standing: standing})[0] AS latest
CALL (latest) {
  OPTIONAL MATCH (:Event {id: latest.r.event_id})-[sf:SOURCED_FROM]->(s:Source)
  WITH s, sf ORDER BY sf.ord
  RETURN [x IN collect({id: s.id, publisher: s.publisher, title: s.title, url: s.url,
                        published: s.published}) WHERE x.id IS NOT NULL] AS sources
}
WITH na, nb, m,
     collect(CASE side WHEN 'a' THEN latest {.standing, .r, sources: sources} END) AS in_a,
     collect(CASE side WHEN 'b' THEN latest {.standing, .r, sources: sources} END) AS in_b
WITH na, nb, m, head(in_a) AS pa, head(in_b) AS pb
WITH na, nb, m, pa, pb,
     CASE WHEN pa IS NULL THEN 'b_only' WHEN pb IS NULL THEN 'a_only' ELSE 'both' END AS `set`
RETURN `set`, m.id AS member_id, m.name AS member, m.kind AS kind,
       coalesce(pa.standing, 'not party') AS a_standing,
       coalesce(pb.standing, 'not party') AS b_standing,
       na.id AS a_id, na.name AS a, nb.id AS b_id, nb.name AS b,
       pa.r.date AS a_date, pa.r.date_precision AS a_date_precision, pa.r.event_id AS a_event_id,
       pb.r.date AS b_date, pb.r.date_precision AS b_date_precision, pb.r.event_id AS b_event_id,
       coalesce(pa.r.reviewed, true) AND coalesce(pb.r.reviewed, true) AS reviewed,
       coalesce(pa.sources, []) AS a_sources, coalesce(pb.sources, []) AS b_sources
ORDER BY CASE `set` WHEN 'a_only' THEN 0 WHEN 'both' THEN 1 ELSE 2 END, member, member_id
