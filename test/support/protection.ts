import { ProtectionConfig, SIGAP_COLUMN_NAMES } from '../../src/config';
import { TestApp } from './app';
import { FakeSigap } from './fakes/sigap';
import { Play, Signer, walletSuite } from './wallet';

const digit = (digits: number[], weights: number[]) => {
  const remainder = digits.reduce((sum, d, i) => sum + d * weights[i], 0) % 11;
  return remainder < 2 ? 0 : 11 - remainder;
};

/** The n-th of a series of valid CPFs (9 digits from n, then the two check digits). */
export function cpfFor(n: number): string {
  const base = [...String(100_000_000 + n).slice(-9)].map(Number);
  const first = digit(base, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = digit([...base, first], [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return [...base, first, second].join('');
}

/** JURISDICTION=BR against the fake register. */
export const brazil = (sigap: FakeSigap): ProtectionConfig => ({ jurisdiction: 'BR', timeZone: 'America/Sao_Paulo', sigap: sigap.settings(), sigapColumns: SIGAP_COLUMN_NAMES });

/** The limits Brazil requires before a bet: a loss limit and a play-time limit. */
export const REQUIRED_LIMITS = { loss24h: '1000.00', timeDay: 240 };

/** A BRL player with `cpf`, the required limits, a balance and an open session (so cleared for the day). */
export async function givenBrazilianPlay(t: TestApp, playerId: string, cpf: string, balance = '100.00'): Promise<Play> {
  await t.operator('post', '/players', { playerId, currency: 'BRL', documentNumber: cpf }).expect(201);
  await t.operator('patch', `/players/${playerId}`, { limits: REQUIRED_LIMITS }).expect(200);
  await t.operator('post', `/players/${playerId}/topups`, { amount: balance, transactionId: `seed-${playerId}` }).expect(200);
  const session = await t.operator('post', `/players/${playerId}/sessions`, {}).expect(201);
  return { playerId, sessionId: session.body.sessionId, currency: 'BRL' };
}

/** The day before, as far as the daily check is concerned: the player's next session checks again. */
export async function aDayPasses(t: TestApp, playerId: string): Promise<void> {
  await t.db('players').where({ external_id: playerId }).update({ register_checked_on: '2000-01-01', session_checked_on: '2000-01-01' });
}

export interface BrazilSuite {
  sigap: FakeSigap;
  t: TestApp;
  fb: Signer;
}

/** A test file's fake register and app under JURISDICTION=BR with an aggregator's key, and a sound ledger proven before they close. */
export function brazilSuite(): BrazilSuite {
  const sigap = new FakeSigap();
  beforeAll(() => sigap.start()); // before the app, which needs its URL
  afterAll(() => sigap.stop());
  const wallet = walletSuite(() => ({ protection: brazil(sigap) }));
  return {
    sigap,
    get t() {
      return wallet.t;
    },
    get fb() {
      return wallet.fb;
    },
  };
}
