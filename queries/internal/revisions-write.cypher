// purpose: write revisions (one per changed record) in the transaction that made the change
UNWIND $rows AS row
CREATE (r:Revision {id: row.id})
SET r.seq = row.seq, r.record_id = row.record_id, r.record_type = row.record_type,
    r.rev = row.rev, r.op = row.op, r.at = datetime(row.at), r.by = row.by, r.why = row.why,
    r.source = row.source, r.proposal = row.proposal, r.before = row.before,
    r.after = row.after, r.fields = row.fields
