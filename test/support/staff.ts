import type { TestApp } from './app';

export interface StaffAccount {
  staffId: string;
  email: string;
  password: string;
  token: string;
}

let accounts = 0;

/** Signs in through the console form; the session cookie, or undefined. */
export async function signedIn(t: TestApp, email: string, password: string): Promise<string | undefined> {
  const res = await t.http.post('/console/login').type('form').send({ email, password }).redirects(0);
  return res.headers.location === '/console' ? (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0] : undefined;
}

/** A staff account of `role`, created by the bootstrap admin, with a personal token of its own. */
export async function staffAccount(t: TestApp, role: string, password = 'a passphrase long enough'): Promise<StaffAccount> {
  const email = `staff-${process.pid}-${++accounts}@casino.example`;
  const created = await t.operator('post', '/staff', { email, displayName: `Staff ${accounts}`, role, password }).expect(201);
  const session = await signedIn(t, email, password);
  const token = (await t.http.post('/operator/me/tokens').set('Cookie', session!).set('X-Wallet-Console', '1').send({ name: 'tests' }).expect(201)).body.token as string;
  return { staffId: created.body.staffId as string, email, password, token };
}

/** An operator API call with a staff account's personal token. */
export function asStaff(t: TestApp, token: string, method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: string, body?: object) {
  const test = t.http[method](`/operator${path}`).set('Authorization', `Bearer ${token}`);
  return body === undefined ? test : test.send(body);
}
