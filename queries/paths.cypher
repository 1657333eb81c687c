// title: Paths between two actors
// description: How two actors, instruments or events are connected, shortest paths first (at most max_length steps, sources left out), with the nodes and relationships of each path.
// param: source id required
// param: target id required
// param: max_length int 4
// param: reviewed_only bool false
// example: source=org:meta target=org:openai
// returns: length int, nodes list, relationships list
MATCH (a {id: $source}), (b {id: $target})
WHERE (a:Entity OR a:Event) AND (b:Entity OR b:Event) AND a <> b
MATCH p = allShortestPaths((a)-[*..6]-(b))
WHERE length(p) <= $max_length
  AND none(r IN relationships(p) WHERE type(r) IN ['SOURCED_FROM', 'CITES'])
  AND (NOT $reviewed_only OR all(y IN nodes(p) + relationships(p) WHERE coalesce(y.reviewed, true)))
WITH p LIMIT 25
RETURN length(p) AS length,
       [x IN nodes(p) | {id: x.id, name: coalesce(x.name, x.summary), label: head([l IN labels(x) WHERE NOT l IN ['Entity', 'Record']])}] AS nodes,
       [r IN relationships(p) | {type: type(r), from: startNode(r).id, to: endNode(r).id,
                                 role: r.role, date: r.date, event_id: r.event_id}] AS relationships
ORDER BY length
