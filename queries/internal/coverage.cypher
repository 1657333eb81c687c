// purpose: what the graph covers: event period and years, record counts, kinds, jurisdictions, curated and imported records
CALL () {
  MATCH (e:Event)
  RETURN min(coalesce(e.date_earliest, e.date_latest)) AS earliest,
         max(coalesce(e.date_latest, e.date_earliest)) AS latest,
         count(e) AS events,
         count(CASE WHEN e.date_earliest IS NULL AND e.date_latest IS NULL THEN 1 END) AS undated
}
CALL () {
  MATCH (e:Event) WHERE coalesce(e.date_earliest, e.date_latest) IS NOT NULL
  WITH coalesce(e.date_earliest, e.date_latest).year AS year, count(*) AS n ORDER BY year
  RETURN collect({year: year, events: n}) AS per_year
}
CALL () {
  MATCH (n:Record)
  WITH [l IN $types WHERE l IN labels(n)][0] AS type, n
  WHERE type IS NOT NULL
  WITH type, count(n) AS records,
       count(CASE WHEN coalesce(n.origin, 'curated') = 'curated' THEN 1 END) AS curated,
       count(CASE WHEN n.reviewed = false THEN 1 END) AS unreviewed
  ORDER BY type
  RETURN collect({type: type, records: records, curated: curated, imported: records - curated,
                  unreviewed: unreviewed}) AS counts
}
CALL () {
  MATCH (n:Entity)
  WITH CASE WHEN n:Actor THEN 'actor' ELSE 'instrument' END AS type, n.kind AS kind, count(*) AS n
  ORDER BY type, n DESC, kind
  RETURN collect({type: type, kind: kind, records: n}) AS kinds
}
CALL () {
  MATCH (j:Jurisdiction)
  OPTIONAL MATCH (j)<-[:BASED_IN|IN_JURISDICTION]-(x:Entity)
  WITH j, count(x) AS n ORDER BY n DESC, j.name
  RETURN collect({id: j.id, name: j.name, kind: j.kind, records: n}) AS jurisdictions
}
CALL () {
  MATCH (origin_of:Record) WHERE origin_of.origin IS NOT NULL AND origin_of.origin <> 'curated'
  WITH origin_of.origin AS origin, count(*) AS n ORDER BY origin
  RETURN collect({origin: origin, records: n}) AS origins
}
RETURN earliest, latest, events, undated, per_year, counts, kinds, jurisdictions, origins
