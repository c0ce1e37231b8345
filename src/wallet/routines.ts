/**
 * The wallet's money operations. Each runs as one statement (one round trip, one transaction) and follows
 * the same shape: lock the player's cash account row, replay or refuse a transactionId seen before, check the
 * rules, move money through ledger_transfer, record round, hourly activity and the answer.
 *
 * Locking the player's account first serialises every call of one player, across server instances, so the
 * checks and the movement see the same balance. Answers are rows (r_status, r_code, r_reason, r_balance,
 * r_currency); a withdraw's refusal is stored and replayed like a success, while deposit and rollback
 * refusals are not stored, because a retry must be able to succeed once the withdraw arrives.
 *
 * Every lookup in these routines is by key. The entry points pin index plans (enable_seqscan off): PL/pgSQL
 * caches a plan per session, and one made while a table was nearly empty would otherwise keep scanning it whole
 * long after it has grown, until autoanalyze catches up.
 */
const ENTRY = 'SET enable_seqscan = off';
export const WALLET_ROUTINES = `
CREATE OR REPLACE FUNCTION wallet_client_enabled(p_client integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM api_clients WHERE id = p_client AND enabled);
$$;

CREATE OR REPLACE FUNCTION wallet_session_refusal(p_session text, p_player bigint, p_game text) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
  s sessions;
BEGIN
  SELECT * INTO s FROM sessions WHERE id = p_session;
  IF NOT FOUND OR s.player_id <> p_player OR (p_game IS NOT NULL AND s.game_id IS NOT NULL AND s.game_id <> p_game) THEN
    RETURN ARRAY['ERROR_INVALID_SESSION', 'the session is unknown or belongs to another player or game'];
  END IF;
  IF s.expires_at <= now() THEN
    RETURN ARRAY['ERROR_SESSION_EXPIRED', 'the session has expired'];
  END IF;
  RETURN NULL;
END;
$$;

-- Loss is bets minus wins minus refunds over whole UTC hours: the current hour and the 23 (167, 719) before it.
CREATE OR REPLACE FUNCTION wallet_limit_breach(p_player bigint, p_amount bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  l player_limits;
  lim bigint;
  loss bigint;
BEGIN
  FOR l IN SELECT * FROM player_limits WHERE player_id = p_player LOOP
    lim := CASE WHEN l.pending_effective_at <= now() THEN l.pending_amount ELSE l.amount END;
    CONTINUE WHEN lim IS NULL;
    IF l.kind = 'bet_max' THEN
      IF p_amount > lim THEN
        RETURN 'the bet is above the player''s per-bet limit';
      END IF;
    ELSE
      SELECT coalesce(sum(bets - wins - refunds), 0) INTO loss
        FROM player_activity_hourly
       WHERE player_id = p_player
         AND hour > date_trunc('hour', now())
                    - make_interval(hours => CASE l.kind WHEN 'loss_24h' THEN 24 WHEN 'loss_7d' THEN 168 ELSE 720 END);
      IF loss + p_amount > lim THEN
        RETURN format('the bet would take the player over the %s loss limit', substr(l.kind, 6));
      END IF;
    END IF;
  END LOOP;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION wallet_record_round(p_client integer, p_player bigint, p_round text, p_game text,
    p_currency char(3), p_kind text, p_amount bigint, p_finished boolean) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO rounds AS r (client_id, player_id, game_round_id, game_id, currency, bets, wins, refunds,
                           withdraw_count, deposit_count, rollback_count, closed_at)
  VALUES (p_client, p_player, p_round, p_game, p_currency,
          CASE WHEN p_kind = 'withdraw' THEN p_amount ELSE 0 END,
          CASE WHEN p_kind = 'deposit' THEN p_amount ELSE 0 END,
          CASE WHEN p_kind = 'rollback' THEN p_amount ELSE 0 END,
          (p_kind = 'withdraw')::int, (p_kind = 'deposit')::int, (p_kind = 'rollback')::int,
          CASE WHEN p_finished THEN now() END)
  ON CONFLICT (client_id, player_id, game_round_id) DO UPDATE SET
    bets = r.bets + EXCLUDED.bets,
    wins = r.wins + EXCLUDED.wins,
    refunds = r.refunds + EXCLUDED.refunds,
    withdraw_count = r.withdraw_count + EXCLUDED.withdraw_count,
    deposit_count = r.deposit_count + EXCLUDED.deposit_count,
    rollback_count = r.rollback_count + EXCLUDED.rollback_count,
    closed_at = coalesce(r.closed_at, EXCLUDED.closed_at);
$$;

CREATE OR REPLACE FUNCTION wallet_record_activity(p_player bigint, p_kind text, p_amount bigint) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO player_activity_hourly AS h (player_id, hour, bets, wins, refunds)
  VALUES (p_player, date_trunc('hour', now()),
          CASE WHEN p_kind = 'withdraw' THEN p_amount ELSE 0 END,
          CASE WHEN p_kind = 'deposit' THEN p_amount ELSE 0 END,
          CASE WHEN p_kind = 'rollback' THEN p_amount ELSE 0 END)
  ON CONFLICT (player_id, hour) DO UPDATE SET
    bets = h.bets + EXCLUDED.bets, wins = h.wins + EXCLUDED.wins, refunds = h.refunds + EXCLUDED.refunds;
$$;

-- The answer to a transactionId seen before: the stored answer for an identical request, else a refusal.
CREATE OR REPLACE FUNCTION wallet_replay(prior wallet_transactions, p_kind text, p_hash text)
RETURNS TABLE (r_status smallint, r_code text, r_reason text, r_balance bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF prior.kind = 'tombstone' AND p_kind = 'withdraw' THEN
    RETURN QUERY SELECT 400::smallint, 'ERROR_BAD_REQUEST', 'this withdraw was already rolled back', NULL::bigint;
  ELSIF prior.kind = p_kind AND prior.request_hash = p_hash THEN
    RETURN QUERY SELECT prior.response_status, prior.response_code, prior.response_reason, prior.response_balance;
  ELSE
    RETURN QUERY SELECT 400::smallint, 'ERROR_TRANSACTION_DUPLICATE',
      'this transactionId was already used for a different request', NULL::bigint;
  END IF;
END;
$$;

CREATE OR REPLACE FUNCTION wallet_currency_refusal(p_currency text, p_wallet_currency text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_currency <> p_wallet_currency
    THEN ARRAY['ERROR_BAD_REQUEST', format('currency %s is not the wallet currency', p_currency)] END;
$$;

-- How every money call starts: check the client, lock the player's cash account (serialising all calls of the
-- player), and look the transactionId up. answer_status is set when the call ends here: a disabled client, an
-- unknown player, or an id seen before (its stored answer, or a refusal).
CREATE OR REPLACE FUNCTION wallet_open(p_client integer, p_player text, p_tx text, p_kind text, p_hash text,
    OUT player_id bigint, OUT status text, OUT currency text, OUT reality_check_pending boolean,
    OUT account_id bigint, OUT balance bigint,
    OUT answer_status smallint, OUT answer_code text, OUT answer_reason text, OUT answer_balance bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  prior wallet_transactions;
BEGIN
  IF NOT wallet_client_enabled(p_client) THEN
    SELECT 401, 'ERROR_INVALID_SIGNATURE', 'the api client is disabled' INTO answer_status, answer_code, answer_reason;
    RETURN;
  END IF;
  SELECT p.id, p.status, p.currency, p.reality_check_pending, a.id, a.balance
    INTO player_id, status, currency, reality_check_pending, account_id, balance
    FROM players p JOIN accounts a ON a.player_id = p.id WHERE p.external_id = p_player FOR UPDATE OF a;
  IF NOT FOUND THEN
    SELECT 400, 'ERROR_BAD_REQUEST', 'unknown player' INTO answer_status, answer_code, answer_reason;
    RETURN;
  END IF;
  SELECT * INTO prior FROM wallet_transactions w WHERE w.client_id = p_client AND w.transaction_id = p_tx;
  IF FOUND THEN
    SELECT * INTO answer_status, answer_code, answer_reason, answer_balance FROM wallet_replay(prior, p_kind, p_hash);
  END IF;
END;
$$;

CREATE OR REPLACE FUNCTION wallet_balance(p_client integer, p_player text, p_session text, p_currency text)
RETURNS TABLE (r_status smallint, r_code text, r_reason text, r_balance bigint, r_currency text)
LANGUAGE plpgsql STABLE ${ENTRY} AS $$
DECLARE
  pl record;
  refusal text[];
BEGIN
  IF NOT wallet_client_enabled(p_client) THEN
    RETURN QUERY SELECT 401::smallint, 'ERROR_INVALID_SIGNATURE', 'the api client is disabled', NULL::bigint, NULL::text;
    RETURN;
  END IF;
  SELECT p.id, p.currency, a.balance INTO pl
    FROM players p JOIN accounts a ON a.player_id = p.id WHERE p.external_id = p_player;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 400::smallint, 'ERROR_BAD_REQUEST', 'unknown player', NULL::bigint, NULL::text;
    RETURN;
  END IF;
  refusal := coalesce(wallet_session_refusal(p_session, pl.id, NULL), wallet_currency_refusal(p_currency, pl.currency));
  RETURN QUERY SELECT CASE WHEN refusal IS NULL THEN 200 ELSE 400 END::smallint, refusal[1], refusal[2],
    pl.balance, pl.currency::text;
END;
$$;

CREATE OR REPLACE FUNCTION wallet_withdraw_refusal(p_client integer, p_player bigint, p_player_status text,
    p_player_currency text, p_reality_check boolean, p_balance bigint, p_session text, p_currency text,
    p_game text, p_round text, p_amount bigint) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
  refusal text[];
  breach text;
BEGIN
  refusal := wallet_session_refusal(p_session, p_player, p_game);
  IF refusal IS NOT NULL THEN RETURN refusal; END IF;
  IF p_player_status = 'blocked' THEN
    RETURN ARRAY['ERROR_BAD_REQUEST_PLAYER_BLOCKED', 'the player is blocked'];
  END IF;
  refusal := wallet_currency_refusal(p_currency, p_player_currency);
  IF refusal IS NOT NULL THEN RETURN refusal; END IF;
  IF p_reality_check THEN
    RETURN ARRAY['ERROR_TRANSACTION_REALITY_CHECK', 'a reality check is waiting for the player'];
  END IF;
  IF EXISTS (SELECT 1 FROM games WHERE game_id = p_game AND NOT active) THEN
    RETURN ARRAY['ERROR_GAME_NOT_ACTIVE', 'the game is disabled'];
  END IF;
  IF EXISTS (SELECT 1 FROM rounds WHERE client_id = p_client AND player_id = p_player AND game_round_id = p_round
                                    AND closed_at IS NOT NULL) THEN
    RETURN ARRAY['ERROR_BAD_REQUEST', 'the game round is already finished'];
  END IF;
  breach := wallet_limit_breach(p_player, p_amount);
  IF breach IS NOT NULL THEN
    RETURN ARRAY['ERROR_TRANSACTION_LIMIT_EXCEEDED', breach];
  END IF;
  IF p_balance < p_amount THEN
    RETURN ARRAY['ERROR_TRANSACTION_INSUFFICIENT_FUNDS', 'the balance is lower than the bet'];
  END IF;
  RETURN NULL;
END;
$$;

-- Why a deposit cannot be paid on the withdraw it names (w, possibly not found), or NULL.
CREATE OR REPLACE FUNCTION wallet_deposit_refusal(w wallet_transactions, p_player bigint, p_round text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN w.id IS NULL OR w.kind NOT IN ('withdraw', 'tombstone') OR w.player_id <> p_player
      THEN ARRAY['ERROR_TRANSACTION_WITHDRAW_NOT_FOUND', 'no withdraw of this player has that id']
    WHEN w.kind = 'tombstone' OR w.rolled_back_by IS NOT NULL
      THEN ARRAY['ERROR_BAD_REQUEST', 'the withdraw was rolled back']
    WHEN w.game_round_id <> p_round OR w.response_status <> 200
      THEN ARRAY['ERROR_TRANSACTION_WITHDRAW_NOT_FOUND', 'no accepted withdraw with that id in this round']
  END;
$$;

-- Why a rollback cannot touch the withdraw it names (w, found), or NULL.
CREATE OR REPLACE FUNCTION wallet_rollback_refusal(w wallet_transactions, p_client integer, p_player bigint,
    p_round text) RETURNS text[]
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN w.kind IN ('deposit', 'rollback') THEN ARRAY['ERROR_BAD_REQUEST', 'only a withdraw can be rolled back']
    WHEN w.player_id <> p_player OR (w.kind = 'withdraw' AND w.game_round_id <> p_round)
      THEN ARRAY['ERROR_TRANSACTION_WITHDRAW_NOT_FOUND', 'no withdraw of this player and round has that id']
    WHEN w.kind = 'withdraw' AND w.rolled_back_by IS NULL AND w.response_status = 200 AND EXISTS (
        SELECT 1 FROM rounds WHERE client_id = p_client AND player_id = p_player AND game_round_id = p_round
                               AND deposit_count > 0)
      THEN ARRAY['ERROR_BAD_REQUEST', 'the round already received a deposit']
  END;
$$;

CREATE OR REPLACE FUNCTION wallet_withdraw(p_client integer, p_tx text, p_hash text, p_player text, p_session text,
    p_currency text, p_game text, p_round text, p_amount bigint, p_cash bigint, p_jackpot bigint,
    p_finished boolean)
RETURNS TABLE (r_status smallint, r_code text, r_reason text, r_balance bigint, r_currency text)
LANGUAGE plpgsql ${ENTRY} AS $$
DECLARE
  o record;
  refusal text[];
  moved transfers;
BEGIN
  o := wallet_open(p_client, p_player, p_tx, 'withdraw', p_hash);
  IF o.answer_status IS NOT NULL THEN
    RETURN QUERY SELECT o.answer_status, o.answer_code, o.answer_reason, o.answer_balance, o.currency;
    RETURN;
  END IF;
  refusal := wallet_withdraw_refusal(p_client, o.player_id, o.status, o.currency, o.reality_check_pending, o.balance,
                                     p_session, p_currency, p_game, p_round, p_amount);
  IF refusal IS NULL THEN
    moved := ledger_transfer('wallet:' || p_client || ':' || p_tx, 'bet', o.account_id,
                             ledger_house_account(o.player_id, o.currency), p_amount, p_tx);
    PERFORM wallet_record_round(p_client, o.player_id, p_round, p_game, o.currency, 'withdraw', p_amount, p_finished);
    PERFORM wallet_record_activity(o.player_id, 'withdraw', p_amount);
  END IF;
  -- a refusal is stored too: a refused bet must stay refused when retried
  INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
      currency, amount, cash_amount, jackpot_amount, round_finished, transfer_id,
      response_status, response_code, response_reason, response_balance)
  VALUES (p_client, p_tx, 'withdraw', p_hash, o.player_id, p_game, p_round, p_currency, p_amount, p_cash, p_jackpot,
      p_finished, moved.id, CASE WHEN refusal IS NULL THEN 200 ELSE 400 END, refusal[1], refusal[2],
      moved.debit_balance_after);
  RETURN QUERY SELECT CASE WHEN refusal IS NULL THEN 200 ELSE 400 END::smallint, refusal[1], refusal[2],
    moved.debit_balance_after, o.currency;
END;
$$;

CREATE OR REPLACE FUNCTION wallet_deposit(p_client integer, p_tx text, p_hash text, p_player text,
    p_currency text, p_game text, p_round text, p_amount bigint, p_cash bigint, p_jackpot bigint,
    p_finished boolean, p_withdraw_tx text)
RETURNS TABLE (r_status smallint, r_code text, r_reason text, r_balance bigint, r_currency text)
LANGUAGE plpgsql ${ENTRY} AS $$
DECLARE
  o record;
  w wallet_transactions;
  refusal text[];
  moved transfers;
BEGIN
  o := wallet_open(p_client, p_player, p_tx, 'deposit', p_hash);
  IF o.answer_status IS NOT NULL THEN
    RETURN QUERY SELECT o.answer_status, o.answer_code, o.answer_reason, o.answer_balance, o.currency;
    RETURN;
  END IF;
  SELECT * INTO w FROM wallet_transactions WHERE client_id = p_client AND transaction_id = p_withdraw_tx;
  refusal := coalesce(wallet_currency_refusal(p_currency, o.currency), wallet_deposit_refusal(w, o.player_id, p_round));
  IF refusal IS NOT NULL THEN
    RETURN QUERY SELECT 400::smallint, refusal[1], refusal[2], NULL::bigint, o.currency;
    RETURN;
  END IF;
  moved := ledger_transfer('wallet:' || p_client || ':' || p_tx, 'win', ledger_house_account(o.player_id, o.currency),
                           o.account_id, p_amount, p_tx);
  PERFORM wallet_record_round(p_client, o.player_id, p_round, p_game, o.currency, 'deposit', p_amount, p_finished);
  PERFORM wallet_record_activity(o.player_id, 'deposit', p_amount);
  INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
      currency, amount, cash_amount, jackpot_amount, round_finished, withdraw_transaction_id, transfer_id,
      response_status, response_balance)
  VALUES (p_client, p_tx, 'deposit', p_hash, o.player_id, p_game, p_round, p_currency, p_amount, p_cash, p_jackpot,
      p_finished, p_withdraw_tx, moved.id, 200, moved.credit_balance_after);
  RETURN QUERY SELECT 200::smallint, NULL::text, NULL::text, moved.credit_balance_after, o.currency;
END;
$$;

CREATE OR REPLACE FUNCTION wallet_rollback(p_client integer, p_tx text, p_hash text, p_player text,
    p_currency text, p_game text, p_round text, p_withdraw_tx text)
RETURNS TABLE (r_status smallint, r_code text, r_reason text, r_balance bigint, r_currency text)
LANGUAGE plpgsql ${ENTRY} AS $$
DECLARE
  o record;
  w wallet_transactions;
  refusal text[];
  moved transfers;
  balance_after bigint;
BEGIN
  o := wallet_open(p_client, p_player, p_tx, 'rollback', p_hash);
  IF o.answer_status IS NOT NULL THEN
    RETURN QUERY SELECT o.answer_status, o.answer_code, o.answer_reason, o.answer_balance, o.currency;
    RETURN;
  END IF;
  SELECT * INTO w FROM wallet_transactions WHERE client_id = p_client AND transaction_id = p_withdraw_tx;
  refusal := wallet_currency_refusal(p_currency, o.currency);
  IF refusal IS NULL AND w.id IS NOT NULL THEN
    refusal := wallet_rollback_refusal(w, p_client, o.player_id, p_round);
  END IF;
  IF refusal IS NOT NULL THEN
    RETURN QUERY SELECT 400::smallint, refusal[1], refusal[2], NULL::bigint, o.currency;
    RETURN;
  END IF;
  balance_after := o.balance;
  IF w.id IS NULL THEN
    -- Rollback before its withdraw: succeed and leave a tombstone, so the late withdraw is refused.
    INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
        currency, response_status, rolled_back_by)
    VALUES (p_client, p_withdraw_tx, 'tombstone', '', o.player_id, p_game, p_round, o.currency, 200, p_tx);
  ELSIF w.kind = 'withdraw' AND w.rolled_back_by IS NULL AND w.response_status = 200 THEN
    moved := ledger_transfer('wallet:' || p_client || ':' || p_tx, 'refund',
                             ledger_house_account(o.player_id, o.currency), o.account_id, w.amount, p_tx);
    balance_after := moved.credit_balance_after;
    UPDATE wallet_transactions SET rolled_back_by = p_tx WHERE id = w.id;
    PERFORM wallet_record_round(p_client, o.player_id, p_round, p_game, o.currency, 'rollback', w.amount, false);
    PERFORM wallet_record_activity(o.player_id, 'rollback', w.amount);
  END IF;
  -- Otherwise the withdraw is already final (rolled back, tombstoned or refused): succeed and move nothing.
  INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
      currency, amount, withdraw_transaction_id, transfer_id, response_status, response_balance)
  VALUES (p_client, p_tx, 'rollback', p_hash, o.player_id, p_game, p_round, p_currency, moved.amount, p_withdraw_tx,
      moved.id, 200, balance_after);
  RETURN QUERY SELECT 200::smallint, NULL::text, NULL::text, balance_after, o.currency;
END;
$$;
`;
