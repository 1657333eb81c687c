// purpose: how many events the graph holds (the home page pages back from the latest)
MATCH (e:Event)
RETURN count(e) AS n
