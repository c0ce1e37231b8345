import { RequestHandler } from 'express';
import { ApiError } from '../http';

export const ROLES = ['viewer', 'support', 'finance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What each role adds to the one before it (docs/operator-api.md "Staff and roles"). `read` covers players,
 * statements, rounds, payouts and reports, with CPFs masked; `pii.read` shows them whole and opens the SIGAP file.
 */
const ADDS: Record<Role, readonly string[]> = {
  viewer: ['read'],
  // what the casino's own site needs for its players: accounts, sessions, deposits
  support: ['players.create', 'players.update', 'sessions.open', 'deposits.create'],
  finance: ['limits.raise', 'money.move', 'payouts.manage', 'reconcile', 'audit.read', 'approvals.decide', 'pii.read'],
  admin: ['staff.manage', 'clients.manage', 'games.manage', 'migrations.read'],
};
/** What each role may do: all the rights of the roles before it, and its own. */
const GRANTS = new Map<string, readonly string[]>(ROLES.map((role, i) => [role, ROLES.slice(0, i + 1).flatMap((r) => ADDS[r])]));

/** Everything a role may do, for a client that offers only that (the console). */
export function permissionsOf(role: string): readonly string[] {
  return GRANTS.get(role) ?? [];
}

export function roleGrants(role: string, permission: string): boolean {
  return permissionsOf(role).includes(permission);
}

/** The role a request acts in (set by the operator's credential check). */
export function roleOf(res: { locals: Record<string, unknown> }): string {
  return (res.locals.actor as { role?: string } | undefined)?.role ?? '';
}

export function forbidden(permission: string): ApiError {
  return new ApiError(403, 'FORBIDDEN', `this needs the permission ${permission}, which your role does not have`);
}

/** Marks a route handler as the permission check every operator route must start with (a test walks the routes). */
export const PERMISSION_OF = Symbol('permission');
/** Marks the audit action a changing route writes, declared beside its permission (a test walks the routes). */
export const AUDIT_OF = Symbol('audit');

/**
 * A route's first handler: lets the request through only if its actor's role grants `permission`. A route that
 * changes anything names the `audit` action its change writes, in the change's transaction; the route walk in
 * test/operator/staff.test.ts refuses a changing route without one, and checks that each writes it.
 */
export function allow(permission: string, audit?: string): RequestHandler {
  const check: RequestHandler = (_req, res, next) => next(roleGrants(roleOf(res), permission) ? undefined : forbidden(permission));
  return Object.assign(check, { [PERMISSION_OF]: permission, [AUDIT_OF]: audit });
}
