import { givenPlayer } from './app';
import { FakeServer } from './fakes/server';
import { PayoutSuite, PLAYER_CPF } from './payouts';
import { eventually } from './eventually';

/** A provider suite's deposit helpers: a BRL player with a CPF and a charge, the deposits callback URL, and waiting for a state. */
export function depositHelpers<F extends FakeServer>(s: PayoutSuite<F>, prefix: string) {
  let n = 0;
  const statusOf = async (id: string) => (await s.t.db('deposits').where({ id }).first('status')).status as string;
  return {
    async charge(amount = '100.00') {
      const playerId = await givenPlayer(s.t, `${prefix}-${++n}`, { currency: 'BRL', documentNumber: PLAYER_CPF });
      const res = await s.t.operator('post', `/players/${playerId}/deposits`, { amount, transactionId: `${prefix}-tx-${n}` });
      return { playerId, res, id: res.body.depositId as string, transactionId: `${prefix}-tx-${n}` };
    },
    webhookUrl: () => s.webhookUrl().replace('/webhooks/payouts/', '/webhooks/deposits/'),
    statusOf,
    async until(id: string, status: string) {
      await eventually(`deposit ${id}'s status, waiting for ${status}`, () => statusOf(id), (now) => now === status);
    },
  };
}
