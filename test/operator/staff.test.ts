import { Express } from 'express';
import { OPERATIONS } from '../../src/openapi';
import { AUDIT_OF, PERMISSION_OF, ROLES } from '../../src/operator';
import { givenPlayer, startTestApp, TestApp } from '../support/app';
import { asStaff, signedIn as signInAs, staffAccount } from '../support/staff';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ operatorAuthFailureLimit: 10_000 });
});
afterAll(() => t.close());

const staffWith = (role: string, password?: string) => staffAccount(t, role, password);
const signedIn = (email: string, password: string) => signInAs(t, email, password);
const as = (token: string, method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: string, body?: object) => asStaff(t, token, method, path, body);

async function state() {
  const counts = await Promise.all(['transfers', 'audit_log', 'players', 'staff', 'staff_tokens', 'sessions', 'api_clients', 'player_limits', 'games', 'payouts']
    .map(async (table) => [table, Number((await t.db(table).count<{ n: string }[]>('* as n'))[0].n)] as const));
  return Object.fromEntries(counts);
}

interface Layer {
  name: string;
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: Record<symbol, unknown> }[] };
  handle: { stack?: Layer[] };
}

/** Every operator route as "METHOD /path/{param}" with what its first handler declares (PERMISSION_OF or AUDIT_OF). */
function operatorRoutes(app: Express, declared: symbol = PERMISSION_OF): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          found.set(`${method.toUpperCase()} ${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}'), layer.route.stack[0]?.handle[declared]);
        }
      } else if (layer.name === 'router' && layer.handle.stack) walk(layer.handle.stack, prefix);
    }
  };
  const mounted = (app as unknown as { router: { stack: (Layer & { rawPath?: unknown })[] } }).router.stack.filter((l) => l.rawPath === '/operator');
  for (const layer of mounted) walk(layer.handle.stack ?? [], '/operator');
  return found;
}

describe('permissions: every operator route declares one, and the document says which', () => {
  it('no operator route goes unchecked, and each needs what /openapi.json documents', () => {
    const routes = operatorRoutes(t.app);
    expect(routes.size).toBeGreaterThan(30);
    const documented = new Map(OPERATIONS.filter((o) => o.path.startsWith('/operator')).map((o) => [`${o.method.toUpperCase()} ${o.path}`, o.permission]));
    expect(Object.fromEntries(routes)).toEqual(Object.fromEntries(documented));
  });
});

describe('audit: every changing operator route declares its action beside its permission, and the document says which', () => {
  it('no route that changes anything goes without an audit action, and each is the one /openapi.json documents', () => {
    const routes = operatorRoutes(t.app, AUDIT_OF);
    const changing = [...routes].filter(([route]) => !route.startsWith('GET '));
    expect(changing.length).toBeGreaterThan(20);
    expect(changing.filter(([, audit]) => typeof audit !== 'string')).toEqual([]);
    expect([...routes].filter(([route, audit]) => route.startsWith('GET ') && audit !== undefined)).toEqual([]);
    const documented = new Map(OPERATIONS.filter((o) => o.path.startsWith('/operator')).map((o) => [`${o.method.toUpperCase()} ${o.path}`, o.audit]));
    expect(Object.fromEntries(routes)).toEqual(Object.fromEntries(documented));
  });
});

/** The audit rows written since row `after`. */
const auditRowsAfter = async (after: number) => t.db('audit_log').where('id', '>', after).orderBy('id').select('action', 'actor');
const newestAuditRow = async () => Number((await t.db('audit_log').max<{ max: string | null }[]>('id as max'))[0].max ?? 0);

describe('every operator route × every role', () => {
  const tokens: Record<string, string> = {};
  const staffIds: Record<string, string> = {};
  beforeAll(async () => {
    for (const role of ROLES) ({ token: tokens[role], staffId: staffIds[role] } = await staffWith(role));
    await givenPlayer(t, 'matrix-player', { currency: 'BRL', balance: '100.00' });
  });

  const grants: Record<string, string[]> = {
    viewer: ['read'],
    support: ['read', 'players.create', 'players.update', 'sessions.open', 'deposits.create'],
    finance: ['read', 'players.create', 'players.update', 'sessions.open', 'deposits.create', 'limits.raise', 'money.move', 'payouts.manage', 'reconcile', 'audit.read', 'approvals.decide', 'pii.read'],
    admin: ['read', 'players.create', 'players.update', 'sessions.open', 'deposits.create', 'limits.raise', 'money.move', 'payouts.manage', 'reconcile', 'audit.read', 'approvals.decide', 'pii.read', 'staff.manage', 'clients.manage', 'games.manage', 'migrations.read'],
  };
  const cases = OPERATIONS.filter((o) => o.permission).flatMap((o) => ROLES.map((role) => [`${o.method.toUpperCase()} ${o.path}`, role, o] as const));

  it.each(cases)('%s as %s: allowed exactly as documented, a change audited under its declared action and its author; a refusal is 403 FORBIDDEN naming the permission, and changes nothing', async (_name, role, op) => {
    const path = op.path.replace(/^\/operator/, '').replace('{playerId}', 'matrix-player').replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
    // the PATCH example also removes a limit, which needs limits.raise on top: that rule has a test of its own below
    const body = op.method === 'patch' && op.path === '/operator/players/{playerId}' ? { realityCheckPending: false } : op.example;
    const example = body && { ...body, ...('transactionId' in body ? { transactionId: `matrix-${role}-${op.path}` } : {}) };
    const before = await state();
    const lastAudit = await newestAuditRow();
    const res = await as(tokens[role], op.method, path, example);
    if (grants[role].includes(op.permission!)) {
      expect({ status: res.status, code: res.body?.error?.code }).not.toEqual({ status: 403, code: 'FORBIDDEN' });
      const written = await auditRowsAfter(lastAudit);
      // a change (a count moved, or something created or accepted) leaves its audit row, naming who made it
      const changed = [201, 202].includes(res.status) || JSON.stringify(await state()) !== JSON.stringify(before);
      if (op.audit && res.status < 300 && changed) {
        expect(written.map((row: { action: string }) => row.action)).toContainEqual(op.audit.startsWith('*') ? expect.stringMatching(`${op.audit.slice(1)}$`) : op.audit);
      }
      expect(written.filter((row: { actor: string }) => row.actor !== staffIds[role])).toEqual([]);
    } else {
      expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
      expect(res.body.error.message).toContain(op.permission);
      expect(await state()).toEqual(before);
    }
  });

  it('support lowers a limit, but raising one needs limits.raise: 403, and nothing of that update is kept', async () => {
    const support = tokens.support;
    await givenPlayer(t, 'limited', { currency: 'BRL' });
    await as(support, 'patch', '/players/limited', { limits: { betMax: '50.00' } }).expect(200);
    const refused = await as(support, 'patch', '/players/limited', { status: 'blocked', limits: { betMax: '80.00' } });
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(refused.body.error.message).toContain('limits.raise');
    const player = (await t.operator('get', '/players/limited')).body;
    expect({ status: player.status, limits: player.limits }).toEqual({ status: 'active', limits: { betMax: { amount: '50.00' } } });
    await as(tokens.finance, 'patch', '/players/limited', { limits: { betMax: '80.00' } }).expect(200);
  });
});

describe('signing in and personal tokens', () => {
  it('an email is one account, whatever its case: a second is 409 STAFF_EXISTS', async () => {
    const staff = await staffWith('viewer');
    const again = await t.operator('post', '/staff', { email: staff.email.toUpperCase(), displayName: 'Twin', role: 'admin', password: 'another long passphrase' });
    expect({ status: again.status, code: again.body.error.code }).toEqual({ status: 409, code: 'STAFF_EXISTS' });
  });

  it('a wrong password, or an unknown email, signs nobody in', async () => {
    const staff = await staffWith('viewer');
    expect(await signedIn(staff.email, 'not the password')).toBeUndefined();
    expect(await signedIn('nobody@casino.example', staff.password)).toBeUndefined();
    expect(await signedIn(staff.email.toUpperCase(), staff.password)).toBeDefined();
  });

  it('a disabled account can neither sign in nor use its session or tokens; enabled again, it signs in afresh and its old ones stay dead', async () => {
    const staff = await staffWith('support');
    const session = await signedIn(staff.email, staff.password);
    await t.operator('patch', `/staff/${staff.staffId}`, { status: 'disabled' }).expect(200);
    expect(await signedIn(staff.email, staff.password)).toBeUndefined();
    await as(staff.token, 'get', '/players?search=a').expect(401);
    await t.http.get('/operator/me').set('Cookie', session!).set('X-Wallet-Console', '1').expect(401);
    await t.operator('patch', `/staff/${staff.staffId}`, { status: 'active' }).expect(200);
    await as(staff.token, 'get', '/me').expect(401);
    await t.http.get('/operator/me').set('Cookie', session!).set('X-Wallet-Console', '1').expect(401);
    expect(await signedIn(staff.email, staff.password)).toBeDefined();
  });

  it('a revoked token is refused at once, and so is an expired one', async () => {
    const staff = await staffWith('viewer');
    const tokens = (await as(staff.token, 'get', '/me/tokens').expect(200)).body.tokens;
    expect(tokens[0]).toMatchObject({ name: 'tests', revokedAt: null });
    expect(JSON.stringify(tokens)).not.toContain(staff.token);
    await as(staff.token, 'delete', `/me/tokens/${tokens[0].tokenId}`).expect(200);
    await as(staff.token, 'get', '/me').expect(401);
    const session = await signedIn(staff.email, staff.password);
    const short = (await t.http.post('/operator/me/tokens').set('Cookie', session!).set('X-Wallet-Console', '1')
      .send({ name: 'short', expiresAt: new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z') }).expect(201)).body;
    await as(short.token, 'get', '/me').expect(200);
    await t.db('staff_tokens').where({ id: short.tokenId }).update({ expires_at: new Date(Date.now() - 1000) });
    await as(short.token, 'get', '/me').expect(401);
  });

  it('wrong passwords are limited per account: the sixth within 15 minutes is 429, even with the right password', async () => {
    const staff = await staffWith('viewer');
    for (let i = 0; i < 5; i += 1) expect(await signedIn(staff.email, `wrong ${i}`)).toBeUndefined();
    const limited = await t.http.post('/console/login').type('form').send({ email: staff.email, password: staff.password }).redirects(0);
    expect(limited.status).toBe(429);
  });

  it('the password is stored only as a scrypt hash and never logged', async () => {
    const staff = await staffWith('viewer', 'my secret passphrase 42');
    const row = await t.db('staff').where({ id: staff.staffId }).first();
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain('passphrase');
    expect(JSON.stringify(t.logs)).not.toContain('my secret passphrase 42');
    expect(JSON.stringify(await t.db('audit_log').select('details'))).not.toContain('my secret passphrase 42');
  });

  it('the bootstrap OPERATOR_TOKEN acts as an admin but owns no tokens', async () => {
    expect((await t.operator('get', '/me').expect(200)).body).toMatchObject({ staffId: null, email: null, role: 'admin', bootstrap: true });
    expect((await t.operator('post', '/me/tokens', { name: 'x' })).status).toBe(403);
  });
});

describe('the audit trail names who acted', () => {
  it('a top-up by a finance account records its id and role; one by the bootstrap token records "bootstrap"', async () => {
    const finance = await staffWith('finance');
    await givenPlayer(t, 'audited', { currency: 'BRL' });
    await as(finance.token, 'post', '/players/audited/topups', { amount: '10.00', transactionId: 'audited-1' }).expect(200);
    await t.operator('post', '/players/audited/topups', { amount: '5.00', transactionId: 'audited-2' }).expect(200);
    const rows = await t.db('audit_log').where({ action: 'player.topup' }).whereRaw("details->>'transactionId' LIKE 'audited-%'").orderBy('id');
    expect(rows.map((r) => [r.actor, r.actor_role])).toEqual([[finance.staffId, 'finance'], ['bootstrap', 'admin']]);
  });
});
