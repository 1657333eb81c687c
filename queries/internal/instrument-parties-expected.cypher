// purpose: how many parties a source says an instrument has, when its recorded list is partial
MATCH (n:Instrument {id: $id})
RETURN n.parties_expected AS parties_expected
