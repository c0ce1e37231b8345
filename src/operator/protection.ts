import { Knex } from 'knex';
import { ApiError } from '../http';

/** What protection reads of a player (a PlayerRow has it). */
export interface ProtectedPlayer {
  id: string;
  external_id: string;
  status: 'active' | 'blocked' | 'impeded' | 'closed';
  register_state: 'unchecked' | 'clear' | 'unreachable';
  register_checked_on: string | null;
  /** The day of the last register check at a first session of the day. */
  session_checked_on: string | null;
  document_number: string | null;
}

/**
 * What a jurisdiction's rules add to the operator API (src/protection implements JURISDICTION=BR; app.ts wires it).
 * Without one, NO_PROTECTION changes nothing.
 */
export interface PlayerProtection {
  /** Before a player is created: a refusal (a barred CPF), or the work to do in the creating transaction. */
  admit(input: { playerId: string; documentNumber?: string }, traceId: string): Promise<(trx: Knex.Transaction, playerId: string) => Promise<void>>;
  /** Before a session opens: the register check due at the player's first session of the day. */
  beforeSession(player: ProtectedPlayer, traceId: string): Promise<void>;
  /** Before a top-up: refused while the register has not cleared the player. */
  admitDeposit(player: ProtectedPlayer): void;
}

export const NO_PROTECTION: PlayerProtection = {
  admit: async () => async () => undefined,
  beforeSession: async () => undefined,
  admitDeposit: () => undefined,
};

/** An impeded or closed account takes no money in, in any jurisdiction. */
export function refuseImpededDeposit(player: ProtectedPlayer): void {
  if (player.status === 'impeded' || player.status === 'closed') {
    throw new ApiError(403, 'PLAYER_IMPEDED', `player ${player.external_id} is ${player.status}: the SPA register bars them from betting, so no deposit is taken (a withdrawal still is)`);
  }
}

/** Whether the player may take money in now: not impeded or closed, and cleared by the jurisdiction's register. */
export function admitTopUp(protection: PlayerProtection, player: ProtectedPlayer): void {
  refuseImpededDeposit(player);
  protection.admitDeposit(player);
}
