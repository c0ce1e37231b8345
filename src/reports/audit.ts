import { Cell, isoTime, SHAPE, TableReport } from './table';

export interface AuditFilter {
  from?: Date;
  to?: Date;
  actor?: string;
  action?: string;
  playerId?: string;
}

interface AuditRow {
  id: string;
  at: string;
  actor: string | null;
  actor_email: string | null;
  actor_role: string | null;
  action: string;
  player_id: string | null;
  details: Record<string, unknown>;
  trace_id: string | null;
}

/** The audit trail, oldest first: who (a staff id or `bootstrap`), in which role, did what to whom, and the request's trace id. */
export const auditReport: TableReport<AuditFilter, AuditRow> = {
  name: 'audit',
  columns: ['id', 'at', 'actor', 'actorEmail', 'actorRole', 'action', 'playerId', 'details', 'traceId'],
  cursorShape: [SHAPE.integer],
  query(db, filter) {
    const query = db('audit_log as a').leftJoin('players as p', 'p.id', 'a.player_id').leftJoin('staff as s', function actorAccount() {
      this.on(db.raw('s.id::text = a.actor'));
    })
      .select('a.id', isoTime(db, 'a.created_at', 'at'), 'a.actor', 's.email as actor_email', 'a.actor_role', 'a.action', 'p.external_id as player_id', 'a.details', 'a.trace_id')
      .orderBy('a.id');
    if (filter.from) query.where('a.created_at', '>=', filter.from);
    if (filter.to) query.where('a.created_at', '<', filter.to);
    if (filter.actor !== undefined) query.where('a.actor', filter.actor);
    if (filter.action !== undefined) query.where('a.action', filter.action);
    if (filter.playerId !== undefined) query.where('p.external_id', filter.playerId);
    return query;
  },
  after(query, cursor: Cell[]) {
    query.where('a.id', '>', String(cursor[0]));
  },
  cursorOf: (row) => [String(row.id)],
  record: (row) => ({
    id: String(row.id),
    at: row.at,
    actor: row.actor,
    actorEmail: row.actor_email,
    actorRole: row.actor_role,
    action: row.action,
    playerId: row.player_id,
    details: JSON.stringify(row.details),
    traceId: row.trace_id,
  }),
};
