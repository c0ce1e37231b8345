-- The wallet's money operations, installed (CREATE OR REPLACE) by the migrator after every migration run.
--
-- Each call is one flat PL/pgSQL function: one statement from the server, one round trip, one transaction, and no
-- nested function calls (a call into a helper cost about as much as the SQL it ran; README "Benchmark"). Every
-- call follows the same shape: check the client, lock the player's cash account row (serialising every call of one
-- player, across server instances, so that the checks and the movement see the same balance), replay or refuse a
-- transactionId seen before, check the rules, then move the money and record the round, the hourly activity and
-- the answer.
--
-- The movement is written here rather than through ledger_transfer, with the same rules, and in the call's own
-- wallet_transactions row rather than a row of transfers (one write fewer per call, #30): the debit and credit
-- accounts, both balances after it, and (client, transactionId) as the unique key that makes a second movement
-- impossible. The view ledger_movements shows it as a transfer (kind bet, win or refund). The house shard is
-- updated INTO STRICT: a missing shard raises, so no call can move the player's side alone.
-- The player's row is always locked first and a house shard second, so two calls can never wait on each other in
-- a circle. The house side is split over 64 shard accounts per currency (ledger_ensure_currency), chosen by the
-- database connection (its backend's pid), so that concurrent transactions, each a batch of many players' calls,
-- do not queue on one hot row, and a batch touches one shard per currency however many players it holds (chosen
-- by the player, two batches of a dozen players each collided on some shard nearly every time; docs/benchmark.md).
--
-- Each call answers one wallet_answer (r_status, r_code, r_reason, r_balance, r_currency). A withdraw's refusal is
-- stored and replayed like a success; deposit and rollback refusals are not stored, because a retry must be able to
-- succeed once its withdraw arrives.
--
-- Transaction ids, rounds and movement keys are scoped to the client's `scope_id` (its own id, or for a further
-- Hub88 key the first Hub88 client's), so a rotated key replays what the old one did. Each contract's sessions are
-- its own (sessions.aggregator). Where Hub88's rules differ from Fizzy Bubbly's (a win or rollback may leave out
-- the round, game or currency; a rollback is never refused once a win arrived, and one naming a win moves nothing),
-- the routine says so where it decides.
--
-- Every lookup is by key. The functions pin index plans (enable_seqscan off): PL/pgSQL caches a plan per session,
-- and one made while a table was nearly empty would otherwise keep scanning it whole long after it has grown.
-- They also turn JIT off: the one scan left (wallet_settings, one row) is then costed at 10^10, far above
-- jit_above_cost, and a PostgreSQL built with LLVM (the postgres Docker image, most packages) would compile it at
-- every call, about 100 ms each (docs/benchmark.md "JIT").

-- One answer per call, a single composite value rather than a table: wallet_batch then calls each routine as a
-- plain PL/pgSQL expression instead of a query over a set-returning function, which cost a batched bet about an
-- eighth of the database's CPU (docs/benchmark.md). A function's result type cannot be replaced in place, so a
-- routine installed with the earlier RETURNS TABLE is dropped first (in the same transaction as its replacement).
DO $$
DECLARE
  f regprocedure;
BEGIN
  IF to_regtype('wallet_answer') IS NULL THEN
    CREATE TYPE wallet_answer AS (r_status smallint, r_code text, r_reason text, r_balance bigint, r_currency text);
  END IF;
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
            WHERE p.proname IN ('wallet_balance', 'wallet_withdraw', 'wallet_deposit', 'wallet_rollback')
              AND p.pronamespace = current_schema()::regnamespace AND p.prorettype <> 'wallet_answer'::regtype LOOP
    EXECUTE format('DROP FUNCTION %s', f);
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION wallet_balance(p_client integer, p_player text, p_session text, p_currency text)
RETURNS wallet_answer
LANGUAGE plpgsql STABLE SET enable_seqscan = off SET jit = off AS $$
DECLARE
  v_scope integer;
  v_aggregator text;
  v_player bigint;
  v_currency text;
  v_balance bigint;
  s sessions;
BEGIN
  SELECT coalesce(scope_id, id), aggregator INTO v_scope, v_aggregator FROM api_clients WHERE id = p_client AND enabled;
  IF NOT FOUND THEN
    RETURN ROW(401::smallint, 'ERROR_INVALID_SIGNATURE', 'the api client is disabled', NULL::bigint, NULL::text)::wallet_answer;
  END IF;
  SELECT p.id, p.currency, a.balance INTO v_player, v_currency, v_balance
    FROM players p JOIN accounts a ON a.player_id = p.id WHERE p.external_id = p_player;
  IF NOT FOUND THEN
    RETURN ROW(400::smallint, 'ERROR_BAD_REQUEST', 'unknown player', NULL::bigint, NULL::text)::wallet_answer;
  END IF;
  SELECT * INTO s FROM sessions WHERE id = p_session;
  IF s.id IS NULL OR s.player_id <> v_player OR s.aggregator <> v_aggregator THEN
    RETURN ROW(400::smallint, 'ERROR_INVALID_SESSION', 'the session is unknown or belongs to another player or game', v_balance, v_currency)::wallet_answer;
  ELSIF s.expires_at <= now() THEN
    RETURN ROW(400::smallint, 'ERROR_SESSION_EXPIRED', 'the session has expired', v_balance, v_currency)::wallet_answer;
  ELSIF p_currency <> v_currency THEN
    RETURN ROW(400::smallint, 'ERROR_BAD_REQUEST', format('currency %s is not the wallet currency', p_currency), v_balance, v_currency)::wallet_answer;
  ELSE
    RETURN ROW(200::smallint, NULL::text, NULL::text, v_balance, v_currency)::wallet_answer;
  END IF;
END;
$$;

-- Raises: for a check inside one statement, where a PL/pgSQL IF cannot reach.
CREATE OR REPLACE FUNCTION wallet_fail(p_message text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', p_message;
END;
$$;

-- A set's answer to one call, in the order every routine answers: a disabled client, an unknown player, a new call
-- (its refusal, or the balance after it), a replay of the same request, a withdraw already rolled back, a
-- transactionId used for a different request. One SQL expression, so the planner inlines it into the set's
-- statement and folds away what the kind rules out: the set's plan is the same as with the expression written out
-- (auto_explain), and it costs nothing per row.
CREATE OR REPLACE FUNCTION wallet_set_answer(p_kind text, p_scope integer, p_player bigint, p_hash text, p_prior_kind text,
    p_prior_hash text, p_prior_status smallint, p_prior_code text, p_prior_reason text, p_prior_balance bigint,
    p_refusal text[], p_balance_after bigint, p_currency text)
RETURNS wallet_answer LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(
    CASE WHEN p_scope IS NULL THEN 401 WHEN p_player IS NULL THEN 400
         WHEN p_prior_kind IS NULL THEN CASE WHEN p_refusal IS NULL THEN 200 ELSE 400 END
         WHEN p_prior_kind = p_kind AND p_prior_hash = p_hash THEN p_prior_status ELSE 400 END::smallint,
    CASE WHEN p_scope IS NULL THEN 'ERROR_INVALID_SIGNATURE' WHEN p_player IS NULL THEN 'ERROR_BAD_REQUEST'
         WHEN p_prior_kind IS NULL THEN p_refusal[1]
         WHEN p_prior_kind = p_kind AND p_prior_hash = p_hash THEN p_prior_code
         WHEN p_prior_kind = 'tombstone' AND p_kind = 'withdraw' THEN 'ERROR_BAD_REQUEST'
         ELSE 'ERROR_TRANSACTION_DUPLICATE' END,
    CASE WHEN p_scope IS NULL THEN 'the api client is disabled' WHEN p_player IS NULL THEN 'unknown player'
         WHEN p_prior_kind IS NULL THEN p_refusal[2]
         WHEN p_prior_kind = p_kind AND p_prior_hash = p_hash THEN p_prior_reason
         WHEN p_prior_kind = 'tombstone' AND p_kind = 'withdraw' THEN 'this withdraw was already rolled back'
         ELSE 'this transactionId was already used for a different request' END,
    CASE WHEN p_scope IS NOT NULL AND p_player IS NOT NULL AND p_prior_kind IS NULL AND p_refusal IS NULL THEN p_balance_after
         WHEN p_prior_kind = p_kind AND p_prior_hash = p_hash THEN p_prior_balance END,
    CASE WHEN p_scope IS NOT NULL THEN p_currency END)::wallet_answer
$$;

-- Withdraws as a set: wallet_withdraw's rules and movement for many calls in one statement, which wallet_batch uses
-- for the withdraws of players a batch holds once. Each rule is read for every call at once (a join per table, not
-- a lookup per call), and each table is written once for the whole set: the house shard of each currency once, each
-- movement's house balance after it taken from a running sum in index order. In batches of 40 this cost PostgreSQL
-- 0.07 ms of CPU per bet, against 0.18 call by call (docs/benchmark.md "A batch's withdraws as one set"); alone it
-- costs more than wallet_withdraw, whose many small statements start faster than this one large one, so a call
-- alone keeps the routine above. The rules are therefore written twice, in the same order and words: a change to
-- one is a change to both, and test/wallet/batch-sets.test.ts runs every rule through both forms and requires
-- the same answers and the same rows.
-- The caller has locked the players' cash accounts (in account id order, then the connection's house shards), so
-- this statement, with its own snapshot taken after those locks, reads each player as the locks left it. p_calls
-- is wallet_batch's JSON array; p_indexes names the withdraws to run, and each answer carries its index. The plan
-- is generic, made once per connection: a custom plan, fitted to each set's size, was made again at every call
-- (about 4 ms). A player or a transactionId twice in the set, or a missing house shard, raises: nothing is written,
-- and the caller's fallback runs each call alone. Where several limits would refuse a bet, the first in the order
-- below names the refusal, as in wallet_withdraw's loop.
CREATE OR REPLACE FUNCTION wallet_withdraws(p_calls jsonb, p_indexes integer[])
RETURNS TABLE (r_index integer, r_status smallint, r_code text, r_reason text, r_balance bigint, r_currency text)
LANGUAGE plpgsql SET enable_seqscan = off SET jit = off SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  RETURN QUERY
  WITH c AS MATERIALIZED (
    SELECT x.i, (e->>'client')::integer AS client, e->>'tx' AS tx, e->>'hash' AS hash, e->>'player' AS player,
           e->>'session' AS session, e->>'currency' AS currency, e->>'game' AS game, e->>'round' AS round,
           (e->>'amount')::bigint AS amount, (e->>'cash')::bigint AS cash, (e->>'jackpot')::bigint AS jackpot,
           (e->>'finished')::boolean AS finished
    FROM unnest(p_indexes) AS x(i) CROSS JOIN LATERAL (SELECT p_calls->x.i AS e) j
  ), ws AS MATERIALIZED (
    SELECT * FROM wallet_settings
  ),
  -- Loss is bets minus wins minus refunds over whole UTC hours: the current hour and the 23 (167, 719) before it.
  -- Play time is the minutes with a bet since the start of the day, week or month in the settings' time zone.
  -- When several limits would refuse a bet, the first in this order names the refusal.
  lims AS MATERIALIZED (
    SELECT c.i, l.player_id, l.kind, e.lim, u.period, u.played,
           CASE
             WHEN l.kind = 'bet_max' AND c.amount > e.lim THEN 'the bet is above the player''s per-bet limit'
             WHEN l.kind LIKE 'loss\_%' AND u.loss + c.amount > e.lim
               THEN format('the bet would take the player over the %s loss limit', substr(l.kind, 6))
             WHEN l.kind LIKE 'time\_%' AND u.played >= e.lim
               THEN format('the player reached the %s play-time limit (%s minutes)', substr(l.kind, 6), e.lim)
           END AS breach,
           array_position(ARRAY['bet_max', 'loss_24h', 'loss_7d', 'loss_30d', 'time_day', 'time_week', 'time_month'], l.kind) AS rank
    FROM c
    LEFT JOIN ws ON true
    JOIN players pl ON pl.external_id = c.player
    JOIN player_limits l ON l.player_id = pl.id
    CROSS JOIN LATERAL (SELECT CASE WHEN l.pending_effective_at <= now() THEN l.pending_amount ELSE l.amount END AS lim) e
    CROSS JOIN LATERAL (SELECT CASE WHEN l.kind LIKE 'time\_%' THEN date_trunc(CASE l.kind WHEN 'time_day' THEN 'day'
                          WHEN 'time_week' THEN 'week' ELSE 'month' END, now() AT TIME ZONE ws.time_zone) AT TIME ZONE ws.time_zone
                        END AS period) t
    CROSS JOIN LATERAL (
      SELECT t.period,
             (SELECT coalesce(sum(bit_count(h.played_minutes::bit(64))), 0) FROM player_activity_hourly h
               WHERE l.kind LIKE 'time\_%' AND h.player_id = l.player_id AND h.hour >= t.period)::bigint AS played,
             (SELECT coalesce(sum(h.bets - h.wins - h.refunds), 0) FROM player_activity_hourly h
               WHERE l.kind LIKE 'loss\_%' AND h.player_id = l.player_id
                 AND h.hour > date_trunc('hour', now())
                              - make_interval(hours => CASE l.kind WHEN 'loss_24h' THEN 24 WHEN 'loss_7d' THEN 168 ELSE 720 END))::bigint AS loss) u
    WHERE e.lim IS NOT NULL
  ), lim AS (
    SELECT i, bool_or(kind LIKE 'loss\_%') AS has_loss, bool_or(kind LIKE 'time\_%') AS has_time,
           (array_agg(breach ORDER BY rank) FILTER (WHERE breach IS NOT NULL))[1] AS breach,
           min(rank) FILTER (WHERE breach IS NOT NULL) AS breach_rank
    FROM lims GROUP BY i
  ), d AS MATERIALIZED (
    SELECT c.*, k.scope, pl.id AS player_id, pl.currency AS wallet_currency, a.id AS account, a.balance, w.kind AS prior_kind,
           w.request_hash AS prior_hash, w.response_status AS prior_status, w.response_code AS prior_code,
           w.response_reason AS prior_reason, w.response_balance AS prior_balance,
           CASE
             WHEN s.id IS NULL OR s.player_id <> pl.id OR s.aggregator <> k.aggregator OR (s.game_id IS NOT NULL AND s.game_id <> c.game)
               THEN ARRAY['ERROR_INVALID_SESSION', 'the session is unknown or belongs to another player or game']
             WHEN s.expires_at <= now() THEN ARRAY['ERROR_SESSION_EXPIRED', 'the session has expired']
             WHEN pl.status = 'blocked' THEN ARRAY['ERROR_BAD_REQUEST_PLAYER_BLOCKED', 'the player is blocked']
             WHEN pl.status IN ('impeded', 'closed')
               THEN ARRAY['ERROR_BAD_REQUEST_PLAYER_BLOCKED', 'the player is barred by the SPA register of impeded bettors']
             WHEN pl.paused_until > now() THEN ARRAY['ERROR_BAD_REQUEST_PLAYER_BLOCKED',
               format('the player paused play until %s', to_char(pl.paused_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))]
             WHEN c.currency <> pl.currency THEN ARRAY['ERROR_BAD_REQUEST', format('currency %s is not the wallet currency', c.currency)]
             WHEN pl.reality_check_pending THEN ARRAY['ERROR_TRANSACTION_REALITY_CHECK', 'a reality check is waiting for the player']
             WHEN EXISTS (SELECT FROM games g WHERE g.game_id = c.game AND NOT g.active)
               THEN ARRAY['ERROR_GAME_NOT_ACTIVE', 'the game is disabled']
             WHEN EXISTS (SELECT FROM rounds r WHERE r.client_id = k.scope AND r.player_id = pl.id AND r.game_round_id = c.round
                                                 AND r.closed_at IS NOT NULL)
               THEN ARRAY['ERROR_BAD_REQUEST', 'the game round is already finished']
             -- Under JURISDICTION=BR the SPA register must have cleared the player's CPF (src/protection; fail closed)
             WHEN ws.jurisdiction = 'BR' AND pl.register_state <> 'clear' THEN ARRAY['ERROR_BAD_REQUEST_PLAYER_BLOCKED',
               'the SPA register has not cleared the player yet: bets wait for a successful check']
             -- A person's suspension always holds bets; with KYC_REQUIRED only a verified identity bets (src/kyc; wins
             -- and rollbacks of accepted bets always apply)
             WHEN pl.kyc_status = 'suspended'
               THEN ARRAY['ERROR_BAD_REQUEST_PLAYER_BLOCKED', 'KYC_SUSPENDED: the player is suspended while an investigation runs']
             WHEN ws.kyc_required AND pl.kyc_status <> 'verified' THEN ARRAY['ERROR_BAD_REQUEST_PLAYER_BLOCKED',
               format('KYC_REQUIRED: the player''s identity is not verified (%s)', pl.kyc_status)]
           END AS refusal_before_limits,
           lim.breach, ws.jurisdiction = 'BR' AND NOT (coalesce(lim.has_loss, false) AND coalesce(lim.has_time, false)) AS limits_missing
    FROM c
    LEFT JOIN ws ON true
    LEFT JOIN LATERAL (SELECT coalesce(ac.scope_id, ac.id) AS scope, ac.aggregator FROM api_clients ac
                        WHERE ac.id = c.client AND ac.enabled) k ON true
    LEFT JOIN (players pl JOIN accounts a ON a.player_id = pl.id) ON pl.external_id = c.player
    LEFT JOIN wallet_transactions w ON w.client_id = k.scope AND w.transaction_id = c.tx
    LEFT JOIN sessions s ON s.id = c.session
    LEFT JOIN lim ON lim.i = c.i
  ), f AS MATERIALIZED (
    -- a call that reaches the rules is stored, refused or accepted: a refused bet must stay refused when retried
    SELECT d.*, d.scope IS NOT NULL AND d.player_id IS NOT NULL AND d.prior_kind IS NULL AS stored,
           coalesce(d.refusal_before_limits,
             CASE WHEN d.breach IS NOT NULL THEN ARRAY['ERROR_TRANSACTION_LIMIT_EXCEEDED', d.breach] END,
             -- Portaria SPA/MF 2.579/2025: no bets until a loss limit and a play-time limit are on file
             CASE WHEN d.limits_missing THEN ARRAY['ERROR_BAD_REQUEST_PLAYER_BLOCKED',
               'LIMITS_REQUIRED: the player has no loss limit or no play-time limit on file'] END,
             CASE WHEN d.balance < d.amount THEN ARRAY['ERROR_TRANSACTION_INSUFFICIENT_FUNDS', 'the balance is lower than the bet'] END)
           AS refusal
    FROM d
  ), ok AS MATERIALIZED (
    SELECT * FROM f WHERE stored AND refusal IS NULL
  ), debits AS (
    UPDATE accounts a SET balance = a.balance - ok.amount FROM ok WHERE a.id = ok.account RETURNING a.id
  ), house AS (
    UPDATE accounts h SET balance = h.balance + t.total
      FROM (SELECT wallet_currency, sum(amount) AS total FROM ok GROUP BY wallet_currency) t
     WHERE h.kind = 'house' AND h.currency = t.wallet_currency AND h.shard = pg_backend_pid() % 64 AND h.player_id IS NULL
    RETURNING h.id, h.currency, h.balance - t.total AS before
  ), round_rows AS (
    INSERT INTO rounds AS r (client_id, player_id, game_round_id, game_id, currency, bets, withdraw_count, closed_at)
    SELECT scope, player_id, round, game, wallet_currency, amount, 1, CASE WHEN finished THEN now() END FROM ok
    ON CONFLICT (client_id, player_id, game_round_id) DO UPDATE SET
      bets = r.bets + EXCLUDED.bets, withdraw_count = r.withdraw_count + 1, closed_at = coalesce(r.closed_at, EXCLUDED.closed_at)
  ), activity AS (
    INSERT INTO player_activity_hourly AS h (player_id, hour, bets, played_minutes)
    SELECT player_id, date_trunc('hour', now()), amount, 1::bigint << extract(minute FROM now())::integer FROM ok
    ON CONFLICT (player_id, hour) DO UPDATE SET bets = h.bets + EXCLUDED.bets, played_minutes = h.played_minutes | EXCLUDED.played_minutes
  ), alerts AS (
    -- a play-time limit at 80 % or more, once a bet reaches the limits, unless a limit before it refused the bet
    INSERT INTO protection_alerts (player_id, kind, period_start, played_minutes, limit_minutes)
    SELECT l.player_id, l.kind, l.period, l.played, l.lim FROM lims l JOIN f ON f.i = l.i JOIN lim ON lim.i = l.i
     WHERE f.stored AND f.refusal_before_limits IS NULL AND l.kind LIKE 'time\_%' AND l.played * 5 >= l.lim * 4 AND l.played < l.lim
       AND l.rank < coalesce(lim.breach_rank, 8)
    ON CONFLICT DO NOTHING
  ), moved AS (
    -- an accepted bet's movement (player → house shard) is its row itself (docs/architecture.md "Ledger model")
    INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
        currency, amount, cash_amount, jackpot_amount, round_finished,
        response_status, response_code, response_reason, response_balance,
        debit_account_id, credit_account_id, debit_balance_after, credit_balance_after)
    SELECT f.scope, f.tx, 'withdraw', f.hash, f.player_id, f.game, f.round, f.currency, f.amount, f.cash, f.jackpot, f.finished,
        CASE WHEN f.refusal IS NULL THEN 200 ELSE 400 END, f.refusal[1], f.refusal[2],
        CASE WHEN f.refusal IS NULL THEN f.balance - f.amount END,
        CASE WHEN f.refusal IS NULL THEN f.account END, house.id, CASE WHEN f.refusal IS NULL THEN f.balance - f.amount END,
        house.before + sum(f.amount) OVER (PARTITION BY house.id ORDER BY f.i)
    FROM f LEFT JOIN house ON f.refusal IS NULL AND house.currency = f.wallet_currency
    WHERE f.stored ORDER BY f.i
  )
  SELECT f.i, (wallet_set_answer('withdraw', f.scope, f.player_id, f.hash, f.prior_kind, f.prior_hash, f.prior_status,
                 f.prior_code, f.prior_reason, f.prior_balance, f.refusal, f.balance - f.amount, f.wallet_currency)).*
  FROM f
  -- every accepted bet debited its own player once and credited an existing house shard, or nothing is written
  WHERE ((SELECT count(*) FROM debits) = (SELECT count(*) FROM ok)
         AND (SELECT count(*) FROM house) = (SELECT count(DISTINCT wallet_currency) FROM ok)
         AND (SELECT count(DISTINCT player) FROM c) = cardinality(p_indexes))
     OR wallet_fail('wallet_withdraws: a player twice in the set, or a house shard missing: nothing was written');
END;
$$;

-- Deposits as a set: wallet_deposit's rules and movement for the deposits of players a batch holds once, in one
-- statement, as wallet_withdraws does for withdraws (and for the same reasons: above). A refusal is not stored, as
-- call by call. The rules are written twice, in the same order and words, and test/wallet/batch-sets.test.ts holds
-- the two forms together.
CREATE OR REPLACE FUNCTION wallet_deposits(p_calls jsonb, p_indexes integer[])
RETURNS TABLE (r_index integer, r_status smallint, r_code text, r_reason text, r_balance bigint, r_currency text)
LANGUAGE plpgsql SET enable_seqscan = off SET jit = off SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  RETURN QUERY
  WITH c AS MATERIALIZED (
    SELECT x.i, (e->>'client')::integer AS client, e->>'tx' AS tx, e->>'hash' AS hash, e->>'player' AS player,
           e->>'currency' AS currency, e->>'game' AS game, e->>'round' AS round, (e->>'amount')::bigint AS amount,
           (e->>'cash')::bigint AS cash, (e->>'jackpot')::bigint AS jackpot, (e->>'finished')::boolean AS finished,
           e->>'withdrawTx' AS withdraw_tx
    FROM unnest(p_indexes) AS x(i) CROSS JOIN LATERAL (SELECT p_calls->x.i AS e) j
  ), d AS MATERIALIZED (
    SELECT c.i, c.tx, c.hash, c.player, c.currency, c.amount, c.cash, c.jackpot, c.finished, c.withdraw_tx,
           k.scope, pl.id AS player_id, pl.currency AS wallet_currency, a.id AS account, a.balance,
           p.kind AS prior_kind, p.request_hash AS prior_hash, p.response_status AS prior_status,
           p.response_code AS prior_code, p.response_reason AS prior_reason, p.response_balance AS prior_balance,
           -- a contract whose win may leave out the round or the game (Hub88) means its bet's
           coalesce(c.round, w.game_round_id) AS round, coalesce(c.game, w.game_id) AS game,
           CASE
             WHEN c.currency <> pl.currency THEN ARRAY['ERROR_BAD_REQUEST', format('currency %s is not the wallet currency', c.currency)]
             -- a supplier's promotion win (Hub88 is_supplier_promo) names no bet: a win of its round alone
             WHEN c.withdraw_tx IS NULL THEN CASE WHEN c.round IS NULL OR c.game IS NULL
               THEN ARRAY['ERROR_BAD_REQUEST', 'a promotion win without a bet names its round and game'] END
             WHEN w.id IS NULL OR w.kind NOT IN ('withdraw', 'tombstone') OR w.player_id <> pl.id
               THEN ARRAY['ERROR_TRANSACTION_WITHDRAW_NOT_FOUND', 'no withdraw of this player has that id']
             WHEN w.kind = 'tombstone' OR w.rolled_back_by IS NOT NULL THEN ARRAY['ERROR_BAD_REQUEST', 'the withdraw was rolled back']
             WHEN w.game_round_id <> coalesce(c.round, w.game_round_id) OR w.response_status <> 200
               THEN ARRAY['ERROR_TRANSACTION_WITHDRAW_NOT_FOUND', 'no accepted withdraw with that id in this round']
           END AS refusal
    FROM c
    LEFT JOIN LATERAL (SELECT coalesce(ac.scope_id, ac.id) AS scope FROM api_clients ac WHERE ac.id = c.client AND ac.enabled) k ON true
    LEFT JOIN (players pl JOIN accounts a ON a.player_id = pl.id) ON pl.external_id = c.player
    LEFT JOIN wallet_transactions p ON p.client_id = k.scope AND p.transaction_id = c.tx
    LEFT JOIN wallet_transactions w ON c.withdraw_tx IS NOT NULL AND w.client_id = k.scope AND w.transaction_id = c.withdraw_tx
  ), ok AS MATERIALIZED (
    SELECT * FROM d WHERE scope IS NOT NULL AND player_id IS NOT NULL AND prior_kind IS NULL AND refusal IS NULL
  ), house AS (
    UPDATE accounts h SET balance = h.balance - t.total
      FROM (SELECT wallet_currency, sum(amount) AS total FROM ok GROUP BY wallet_currency) t
     WHERE h.kind = 'house' AND h.currency = t.wallet_currency AND h.shard = pg_backend_pid() % 64 AND h.player_id IS NULL
    RETURNING h.id, h.currency, h.balance + t.total AS before
  ), credits AS (
    UPDATE accounts a SET balance = a.balance + ok.amount FROM ok WHERE a.id = ok.account RETURNING a.id
  ), round_rows AS (
    INSERT INTO rounds AS r (client_id, player_id, game_round_id, game_id, currency, wins, deposit_count, closed_at)
    SELECT scope, player_id, round, game, wallet_currency, amount, 1, CASE WHEN finished THEN now() END FROM ok
    ON CONFLICT (client_id, player_id, game_round_id) DO UPDATE SET
      wins = r.wins + EXCLUDED.wins, deposit_count = r.deposit_count + 1, closed_at = coalesce(r.closed_at, EXCLUDED.closed_at)
  ), activity AS (
    INSERT INTO player_activity_hourly AS h (player_id, hour, wins)
    SELECT player_id, date_trunc('hour', now()), amount FROM ok
    ON CONFLICT (player_id, hour) DO UPDATE SET wins = h.wins + EXCLUDED.wins
  ), moved AS (
    INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
        currency, amount, cash_amount, jackpot_amount, round_finished, withdraw_transaction_id,
        response_status, response_balance, debit_account_id, credit_account_id, debit_balance_after, credit_balance_after)
    SELECT ok.scope, ok.tx, 'deposit', ok.hash, ok.player_id, ok.game, ok.round, ok.currency, ok.amount, ok.cash, ok.jackpot,
        ok.finished, ok.withdraw_tx, 200, ok.balance + ok.amount, house.id, ok.account,
        house.before - sum(ok.amount) OVER (PARTITION BY house.id ORDER BY ok.i), ok.balance + ok.amount
    FROM ok JOIN house ON house.currency = ok.wallet_currency ORDER BY ok.i
  )
  SELECT d.i, (wallet_set_answer('deposit', d.scope, d.player_id, d.hash, d.prior_kind, d.prior_hash, d.prior_status,
                 d.prior_code, d.prior_reason, d.prior_balance, d.refusal, d.balance + d.amount, d.wallet_currency)).*
  FROM d
  -- every accepted win credited its own player once and debited an existing house shard, or nothing is written
  WHERE ((SELECT count(*) FROM credits) = (SELECT count(*) FROM ok)
         AND (SELECT count(*) FROM house) = (SELECT count(DISTINCT wallet_currency) FROM ok)
         AND (SELECT count(DISTINCT player) FROM c) = cardinality(p_indexes))
     OR wallet_fail('wallet_deposits: a player twice in the set, or a house shard missing: nothing was written');
END;
$$;

-- Rollbacks as a set: wallet_rollback's rules and its three outcomes (a tombstone for a withdraw not yet seen, the
-- refund of an accepted withdraw, or nothing moved for one already final) for the rollbacks of players a batch holds
-- once, in one statement, as wallet_withdraws does for withdraws (and for the same reasons: above). A refusal is not
-- stored, as call by call. The caller keeps out a rollback whose withdraw is named by another call of the batch, or
-- is another call itself: one statement does not see its own writes. The rules are written twice, in the same order
-- and words, and test/wallet/batch-sets.test.ts holds the two forms together.
CREATE OR REPLACE FUNCTION wallet_rollbacks(p_calls jsonb, p_indexes integer[])
RETURNS TABLE (r_index integer, r_status smallint, r_code text, r_reason text, r_balance bigint, r_currency text)
LANGUAGE plpgsql SET enable_seqscan = off SET jit = off SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  RETURN QUERY
  WITH c AS MATERIALIZED (
    SELECT x.i, (e->>'client')::integer AS client, e->>'tx' AS tx, e->>'hash' AS hash, e->>'player' AS player,
           e->>'currency' AS currency, e->>'game' AS game, e->>'round' AS round, e->>'withdrawTx' AS withdraw_tx
    FROM unnest(p_indexes) AS x(i) CROSS JOIN LATERAL (SELECT p_calls->x.i AS e) j
  ), d AS MATERIALIZED (
    SELECT c.i, c.tx, c.hash, c.player, c.withdraw_tx, k.scope, pl.id AS player_id, pl.currency AS wallet_currency,
           a.id AS account, a.balance,
           p.kind AS prior_kind, p.request_hash AS prior_hash, p.response_status AS prior_status,
           p.response_code AS prior_code, p.response_reason AS prior_reason, p.response_balance AS prior_balance,
           w.id AS withdraw_id, w.amount AS withdraw_amount,
           -- a contract whose rollback may leave out the round, the game or the currency (Hub88) means its bet's
           coalesce(c.round, w.game_round_id) AS round, coalesce(c.game, w.game_id) AS game,
           coalesce(c.currency, pl.currency) AS currency,
           CASE
             WHEN coalesce(c.currency, pl.currency) <> pl.currency
               THEN ARRAY['ERROR_BAD_REQUEST', format('currency %s is not the wallet currency', c.currency)]
             -- its tombstone and itself would claim the one key: refused for good, not a 500 on every retry
             WHEN c.withdraw_tx = c.tx
               THEN ARRAY['ERROR_BAD_REQUEST', 'a rollback cannot name its own transactionId as the withdraw to roll back']
             WHEN w.id IS NULL THEN NULL -- a rollback before its withdraw: allowed (a tombstone below)
             -- Hub88 retries a rollback until it is answered RS_OK: one that names a win or a rollback moves nothing
             WHEN w.kind IN ('deposit', 'rollback') AND k.aggregator <> 'hub88' THEN ARRAY['ERROR_BAD_REQUEST', 'only a withdraw can be rolled back']
             WHEN w.player_id <> pl.id OR (w.kind = 'withdraw' AND w.game_round_id <> coalesce(c.round, w.game_round_id))
               THEN ARRAY['ERROR_TRANSACTION_WITHDRAW_NOT_FOUND', 'no withdraw of this player and round has that id']
             WHEN k.aggregator <> 'hub88' AND w.kind = 'withdraw' AND w.rolled_back_by IS NULL AND w.response_status = 200
                  AND EXISTS (SELECT FROM rounds r WHERE r.client_id = k.scope AND r.player_id = pl.id
                                 AND r.game_round_id = coalesce(c.round, w.game_round_id) AND r.deposit_count > 0)
               THEN ARRAY['ERROR_BAD_REQUEST', 'the round already received a deposit']
           END AS refusal,
           coalesce(w.kind = 'withdraw' AND w.rolled_back_by IS NULL AND w.response_status = 200, false) AS refunds
    FROM c
    LEFT JOIN LATERAL (SELECT coalesce(ac.scope_id, ac.id) AS scope, ac.aggregator FROM api_clients ac
                        WHERE ac.id = c.client AND ac.enabled) k ON true
    LEFT JOIN (players pl JOIN accounts a ON a.player_id = pl.id) ON pl.external_id = c.player
    LEFT JOIN wallet_transactions p ON p.client_id = k.scope AND p.transaction_id = c.tx
    LEFT JOIN wallet_transactions w ON w.client_id = k.scope AND w.transaction_id = c.withdraw_tx
  ), ok AS MATERIALIZED (
    SELECT * FROM d WHERE scope IS NOT NULL AND player_id IS NOT NULL AND prior_kind IS NULL AND refusal IS NULL
  ), house AS (
    UPDATE accounts h SET balance = h.balance - t.total
      FROM (SELECT wallet_currency, sum(withdraw_amount) AS total FROM ok WHERE refunds GROUP BY wallet_currency) t
     WHERE h.kind = 'house' AND h.currency = t.wallet_currency AND h.shard = pg_backend_pid() % 64 AND h.player_id IS NULL
    RETURNING h.id, h.currency, h.balance + t.total AS before
  ), credits AS (
    UPDATE accounts a SET balance = a.balance + ok.withdraw_amount FROM ok WHERE ok.refunds AND a.id = ok.account RETURNING a.id
  ), undone AS (
    UPDATE wallet_transactions t SET rolled_back_by = ok.tx FROM ok WHERE ok.refunds AND t.id = ok.withdraw_id RETURNING t.id
  ), round_rows AS (
    INSERT INTO rounds AS r (client_id, player_id, game_round_id, game_id, currency, refunds, rollback_count)
    SELECT scope, player_id, round, game, wallet_currency, withdraw_amount, 1 FROM ok WHERE refunds
    ON CONFLICT (client_id, player_id, game_round_id) DO UPDATE SET
      refunds = r.refunds + EXCLUDED.refunds, rollback_count = r.rollback_count + 1
  ), activity AS (
    INSERT INTO player_activity_hourly AS h (player_id, hour, refunds)
    SELECT player_id, date_trunc('hour', now()), withdraw_amount FROM ok WHERE refunds
    ON CONFLICT (player_id, hour) DO UPDATE SET refunds = h.refunds + EXCLUDED.refunds
  ), tombstones AS (
    -- a rollback before its withdraw succeeds and leaves a tombstone, so the late withdraw is refused
    INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
        currency, response_status, rolled_back_by)
    SELECT scope, withdraw_tx, 'tombstone', '', player_id, game, round, wallet_currency, 200, tx FROM ok WHERE withdraw_id IS NULL ORDER BY i
  ), moved AS (
    -- every rollback is stored; one whose withdraw is already final (rolled back, tombstoned or refused) moves nothing
    INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
        currency, amount, withdraw_transaction_id, response_status, response_balance,
        debit_account_id, credit_account_id, debit_balance_after, credit_balance_after)
    SELECT ok.scope, ok.tx, 'rollback', ok.hash, ok.player_id, ok.game, ok.round, ok.currency,
        CASE WHEN ok.refunds THEN ok.withdraw_amount END, ok.withdraw_tx, 200,
        ok.balance + CASE WHEN ok.refunds THEN ok.withdraw_amount ELSE 0 END, house.id, CASE WHEN ok.refunds THEN ok.account END,
        house.before - sum(ok.withdraw_amount) OVER (PARTITION BY house.id ORDER BY ok.i),
        CASE WHEN ok.refunds THEN ok.balance + ok.withdraw_amount END
    FROM ok LEFT JOIN house ON ok.refunds AND house.currency = ok.wallet_currency ORDER BY ok.i
  )
  SELECT d.i, (wallet_set_answer('rollback', d.scope, d.player_id, d.hash, d.prior_kind, d.prior_hash, d.prior_status,
                 d.prior_code, d.prior_reason, d.prior_balance, d.refusal,
                 d.balance + CASE WHEN d.refunds THEN d.withdraw_amount ELSE 0 END, d.wallet_currency)).*
  FROM d
  -- every refund credited its own player once, marked its withdraw and debited an existing house shard, or nothing
  -- is written
  WHERE ((SELECT count(*) FROM credits) = (SELECT count(*) FROM ok WHERE refunds)
         AND (SELECT count(*) FROM undone) = (SELECT count(*) FROM ok WHERE refunds)
         AND (SELECT count(*) FROM house) = (SELECT count(DISTINCT wallet_currency) FROM ok WHERE refunds)
         AND (SELECT count(DISTINCT player) FROM c) = cardinality(p_indexes))
     OR wallet_fail('wallet_rollbacks: a player twice in the set, or a house shard missing: nothing was written');
END;
$$;

CREATE OR REPLACE FUNCTION wallet_withdraw(p_client integer, p_tx text, p_hash text, p_player text, p_session text,
    p_currency text, p_game text, p_round text, p_amount bigint, p_cash bigint, p_jackpot bigint,
    p_finished boolean)
RETURNS wallet_answer
LANGUAGE plpgsql SET enable_seqscan = off SET jit = off AS $$
DECLARE
  v_scope integer;
  v_aggregator text;
  v_player bigint;
  v_status text;
  v_currency text;
  v_reality boolean;
  v_register text;
  v_paused timestamptz;
  v_kyc text;
  v_settings wallet_settings;
  v_account bigint;
  v_balance bigint;
  prior wallet_transactions;
  s sessions;
  l player_limits;
  lim bigint;
  loss bigint;
  v_period timestamptz;
  v_played integer;
  v_has_loss boolean := false;
  v_has_time boolean := false;
  v_code text;
  v_reason text;
  v_house bigint;
  v_house_after bigint;
BEGIN
  SELECT coalesce(scope_id, id), aggregator INTO v_scope, v_aggregator FROM api_clients WHERE id = p_client AND enabled;
  IF NOT FOUND THEN
    RETURN ROW(401::smallint, 'ERROR_INVALID_SIGNATURE', 'the api client is disabled', NULL::bigint, NULL::text)::wallet_answer;
  END IF;
  SELECT p.id, p.status, p.currency, p.reality_check_pending, p.register_state, p.paused_until, p.kyc_status, a.id, a.balance
    INTO v_player, v_status, v_currency, v_reality, v_register, v_paused, v_kyc, v_account, v_balance
    FROM players p JOIN accounts a ON a.player_id = p.id WHERE p.external_id = p_player FOR UPDATE OF a;
  IF NOT FOUND THEN
    RETURN ROW(400::smallint, 'ERROR_BAD_REQUEST', 'unknown player', NULL::bigint, NULL::text)::wallet_answer;
  END IF;

  SELECT * INTO prior FROM wallet_transactions WHERE client_id = v_scope AND transaction_id = p_tx;
  IF prior.id IS NOT NULL THEN
    IF prior.kind = 'tombstone' THEN
      RETURN ROW(400::smallint, 'ERROR_BAD_REQUEST', 'this withdraw was already rolled back', NULL::bigint, v_currency)::wallet_answer;
    ELSIF prior.kind = 'withdraw' AND prior.request_hash = p_hash THEN
      RETURN ROW(prior.response_status, prior.response_code, prior.response_reason, prior.response_balance, v_currency)::wallet_answer;
    ELSE
      RETURN ROW(400::smallint, 'ERROR_TRANSACTION_DUPLICATE', 'this transactionId was already used for a different request', NULL::bigint, v_currency)::wallet_answer;
    END IF;
  END IF;

  SELECT * INTO v_settings FROM wallet_settings;
  SELECT * INTO s FROM sessions WHERE id = p_session;
  IF s.id IS NULL OR s.player_id <> v_player OR s.aggregator <> v_aggregator OR (s.game_id IS NOT NULL AND s.game_id <> p_game) THEN
    v_code := 'ERROR_INVALID_SESSION'; v_reason := 'the session is unknown or belongs to another player or game';
  ELSIF s.expires_at <= now() THEN
    v_code := 'ERROR_SESSION_EXPIRED'; v_reason := 'the session has expired';
  ELSIF v_status = 'blocked' THEN
    v_code := 'ERROR_BAD_REQUEST_PLAYER_BLOCKED'; v_reason := 'the player is blocked';
  ELSIF v_status IN ('impeded', 'closed') THEN
    v_code := 'ERROR_BAD_REQUEST_PLAYER_BLOCKED'; v_reason := 'the player is barred by the SPA register of impeded bettors';
  ELSIF v_paused > now() THEN
    v_code := 'ERROR_BAD_REQUEST_PLAYER_BLOCKED'; v_reason := format('the player paused play until %s', to_char(v_paused AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
  ELSIF p_currency <> v_currency THEN
    v_code := 'ERROR_BAD_REQUEST'; v_reason := format('currency %s is not the wallet currency', p_currency);
  ELSIF v_reality THEN
    v_code := 'ERROR_TRANSACTION_REALITY_CHECK'; v_reason := 'a reality check is waiting for the player';
  ELSIF EXISTS (SELECT FROM games WHERE game_id = p_game AND NOT active) THEN
    v_code := 'ERROR_GAME_NOT_ACTIVE'; v_reason := 'the game is disabled';
  ELSIF EXISTS (SELECT FROM rounds WHERE client_id = v_scope AND player_id = v_player AND game_round_id = p_round
                                     AND closed_at IS NOT NULL) THEN
    v_code := 'ERROR_BAD_REQUEST'; v_reason := 'the game round is already finished';
  END IF;
  -- Under JURISDICTION=BR the SPA register must have cleared the player's CPF (src/protection; fail closed).
  IF v_code IS NULL AND v_settings.jurisdiction = 'BR' AND v_register <> 'clear' THEN
    v_code := 'ERROR_BAD_REQUEST_PLAYER_BLOCKED'; v_reason := 'the SPA register has not cleared the player yet: bets wait for a successful check';
  END IF;
  -- A person's suspension always holds bets; with KYC_REQUIRED only a verified identity bets (src/kyc; wins and
  -- rollbacks of accepted bets always apply)
  IF v_code IS NULL AND v_kyc = 'suspended' THEN
    v_code := 'ERROR_BAD_REQUEST_PLAYER_BLOCKED'; v_reason := 'KYC_SUSPENDED: the player is suspended while an investigation runs';
  ELSIF v_code IS NULL AND v_settings.kyc_required AND v_kyc <> 'verified' THEN
    v_code := 'ERROR_BAD_REQUEST_PLAYER_BLOCKED'; v_reason := format('KYC_REQUIRED: the player''s identity is not verified (%s)', v_kyc);
  END IF;
  -- Loss is bets minus wins minus refunds over whole UTC hours: the current hour and the 23 (167, 719) before it.
  -- Play time is the minutes with a bet since the start of the day, week or month in the settings' time zone.
  IF v_code IS NULL THEN
    -- in the order wallet_withdraws names a refusal by
    FOR l IN SELECT * FROM player_limits WHERE player_id = v_player
              ORDER BY array_position(ARRAY['bet_max', 'loss_24h', 'loss_7d', 'loss_30d', 'time_day', 'time_week', 'time_month'], kind) LOOP
      lim := CASE WHEN l.pending_effective_at <= now() THEN l.pending_amount ELSE l.amount END;
      CONTINUE WHEN lim IS NULL;
      IF l.kind LIKE 'time\_%' THEN
        v_has_time := true;
        v_period := date_trunc(CASE l.kind WHEN 'time_day' THEN 'day' WHEN 'time_week' THEN 'week' ELSE 'month' END,
                               now() AT TIME ZONE v_settings.time_zone) AT TIME ZONE v_settings.time_zone;
        SELECT coalesce(sum(bit_count(played_minutes::bit(64))), 0) INTO v_played FROM player_activity_hourly
         WHERE player_id = v_player AND hour >= v_period;
        IF v_played >= lim THEN
          v_code := 'ERROR_TRANSACTION_LIMIT_EXCEEDED';
          v_reason := format('the player reached the %s play-time limit (%s minutes)', substr(l.kind, 6), lim);
          EXIT;
        ELSIF v_played * 5 >= lim * 4 THEN
          INSERT INTO protection_alerts (player_id, kind, period_start, played_minutes, limit_minutes)
          VALUES (v_player, l.kind, v_period, v_played, lim) ON CONFLICT DO NOTHING;
        END IF;
      ELSIF l.kind = 'bet_max' THEN
        IF p_amount > lim THEN
          v_code := 'ERROR_TRANSACTION_LIMIT_EXCEEDED'; v_reason := 'the bet is above the player''s per-bet limit';
          EXIT;
        END IF;
      ELSE
        SELECT coalesce(sum(bets - wins - refunds), 0) INTO loss FROM player_activity_hourly
         WHERE player_id = v_player
           AND hour > date_trunc('hour', now())
                      - make_interval(hours => CASE l.kind WHEN 'loss_24h' THEN 24 WHEN 'loss_7d' THEN 168 ELSE 720 END);
        v_has_loss := true;
        IF loss + p_amount > lim THEN
          v_code := 'ERROR_TRANSACTION_LIMIT_EXCEEDED';
          v_reason := format('the bet would take the player over the %s loss limit', substr(l.kind, 6));
          EXIT;
        END IF;
      END IF;
    END LOOP;
  END IF;
  -- Portaria SPA/MF 2.579/2025: no bets until a loss limit and a play-time limit are on file
  IF v_code IS NULL AND v_settings.jurisdiction = 'BR' AND NOT (v_has_loss AND v_has_time) THEN
    v_code := 'ERROR_BAD_REQUEST_PLAYER_BLOCKED'; v_reason := 'LIMITS_REQUIRED: the player has no loss limit or no play-time limit on file';
  END IF;
  IF v_code IS NULL AND v_balance < p_amount THEN
    v_code := 'ERROR_TRANSACTION_INSUFFICIENT_FUNDS'; v_reason := 'the balance is lower than the bet';
  END IF;

  IF v_code IS NULL THEN
    UPDATE accounts SET balance = balance - p_amount WHERE id = v_account RETURNING balance INTO v_balance;
    UPDATE accounts SET balance = balance + p_amount
     WHERE kind = 'house' AND currency = v_currency AND shard = pg_backend_pid() % 64 AND player_id IS NULL
     RETURNING id, balance INTO STRICT v_house, v_house_after;
    INSERT INTO rounds AS r (client_id, player_id, game_round_id, game_id, currency, bets, withdraw_count, closed_at)
    VALUES (v_scope, v_player, p_round, p_game, v_currency, p_amount, 1, CASE WHEN p_finished THEN now() END)
    ON CONFLICT (client_id, player_id, game_round_id) DO UPDATE SET
      bets = r.bets + EXCLUDED.bets, withdraw_count = r.withdraw_count + 1, closed_at = coalesce(r.closed_at, EXCLUDED.closed_at);
    INSERT INTO player_activity_hourly AS h (player_id, hour, bets, played_minutes)
    VALUES (v_player, date_trunc('hour', now()), p_amount, 1::bigint << extract(minute FROM now())::integer)
    ON CONFLICT (player_id, hour) DO UPDATE SET bets = h.bets + EXCLUDED.bets, played_minutes = h.played_minutes | EXCLUDED.played_minutes;
  ELSE
    v_balance := NULL;
  END IF;
  -- a refusal is stored too: a refused bet must stay refused when retried
  -- an accepted bet's movement (player → house shard) is this row itself (docs/architecture.md "Ledger model")
  INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
      currency, amount, cash_amount, jackpot_amount, round_finished,
      response_status, response_code, response_reason, response_balance,
      debit_account_id, credit_account_id, debit_balance_after, credit_balance_after)
  VALUES (v_scope, p_tx, 'withdraw', p_hash, v_player, p_game, p_round, p_currency, p_amount, p_cash, p_jackpot,
      p_finished, CASE WHEN v_code IS NULL THEN 200 ELSE 400 END, v_code, v_reason, v_balance,
      CASE WHEN v_code IS NULL THEN v_account END, v_house, v_balance, v_house_after);
  RETURN ROW(CASE WHEN v_code IS NULL THEN 200 ELSE 400 END::smallint, v_code, v_reason, v_balance, v_currency)::wallet_answer;
END;
$$;

CREATE OR REPLACE FUNCTION wallet_deposit(p_client integer, p_tx text, p_hash text, p_player text,
    p_currency text, p_game text, p_round text, p_amount bigint, p_cash bigint, p_jackpot bigint,
    p_finished boolean, p_withdraw_tx text)
RETURNS wallet_answer
LANGUAGE plpgsql SET enable_seqscan = off SET jit = off AS $$
DECLARE
  v_scope integer;
  v_aggregator text;
  v_player bigint;
  v_currency text;
  v_account bigint;
  v_balance bigint;
  prior wallet_transactions;
  w wallet_transactions;
  v_code text;
  v_reason text;
  v_house bigint;
  v_house_after bigint;
BEGIN
  SELECT coalesce(scope_id, id), aggregator INTO v_scope, v_aggregator FROM api_clients WHERE id = p_client AND enabled;
  IF NOT FOUND THEN
    RETURN ROW(401::smallint, 'ERROR_INVALID_SIGNATURE', 'the api client is disabled', NULL::bigint, NULL::text)::wallet_answer;
  END IF;
  SELECT p.id, p.currency, a.id INTO v_player, v_currency, v_account
    FROM players p JOIN accounts a ON a.player_id = p.id WHERE p.external_id = p_player FOR UPDATE OF a;
  IF NOT FOUND THEN
    RETURN ROW(400::smallint, 'ERROR_BAD_REQUEST', 'unknown player', NULL::bigint, NULL::text)::wallet_answer;
  END IF;

  SELECT * INTO prior FROM wallet_transactions WHERE client_id = v_scope AND transaction_id = p_tx;
  IF prior.id IS NOT NULL THEN
    IF prior.kind = 'deposit' AND prior.request_hash = p_hash THEN
      RETURN ROW(prior.response_status, prior.response_code, prior.response_reason, prior.response_balance, v_currency)::wallet_answer;
    ELSE
      RETURN ROW(400::smallint, 'ERROR_TRANSACTION_DUPLICATE', 'this transactionId was already used for a different request', NULL::bigint, v_currency)::wallet_answer;
    END IF;
  END IF;

  IF p_withdraw_tx IS NOT NULL THEN
    SELECT * INTO w FROM wallet_transactions WHERE client_id = v_scope AND transaction_id = p_withdraw_tx;
    -- a contract whose win may leave out the round or the game (Hub88) means its bet's
    p_round := coalesce(p_round, w.game_round_id);
    p_game := coalesce(p_game, w.game_id);
  END IF;
  IF p_currency <> v_currency THEN
    v_code := 'ERROR_BAD_REQUEST'; v_reason := format('currency %s is not the wallet currency', p_currency);
  ELSIF p_withdraw_tx IS NULL THEN
    -- a supplier's promotion win (Hub88 is_supplier_promo) names no bet: a win of its round alone
    IF p_round IS NULL OR p_game IS NULL THEN
      v_code := 'ERROR_BAD_REQUEST'; v_reason := 'a promotion win without a bet names its round and game';
    END IF;
  ELSIF w.id IS NULL OR w.kind NOT IN ('withdraw', 'tombstone') OR w.player_id <> v_player THEN
    v_code := 'ERROR_TRANSACTION_WITHDRAW_NOT_FOUND'; v_reason := 'no withdraw of this player has that id';
  ELSIF w.kind = 'tombstone' OR w.rolled_back_by IS NOT NULL THEN
    v_code := 'ERROR_BAD_REQUEST'; v_reason := 'the withdraw was rolled back';
  ELSIF w.game_round_id <> p_round OR w.response_status <> 200 THEN
    v_code := 'ERROR_TRANSACTION_WITHDRAW_NOT_FOUND'; v_reason := 'no accepted withdraw with that id in this round';
  END IF;
  IF v_code IS NOT NULL THEN
    RETURN ROW(400::smallint, v_code, v_reason, NULL::bigint, v_currency)::wallet_answer;
  END IF;

  UPDATE accounts SET balance = balance - p_amount
   WHERE kind = 'house' AND currency = v_currency AND shard = pg_backend_pid() % 64 AND player_id IS NULL
   RETURNING id, balance INTO STRICT v_house, v_house_after;
  UPDATE accounts SET balance = balance + p_amount WHERE id = v_account RETURNING balance INTO v_balance;
  INSERT INTO rounds AS r (client_id, player_id, game_round_id, game_id, currency, wins, deposit_count, closed_at)
  VALUES (v_scope, v_player, p_round, p_game, v_currency, p_amount, 1, CASE WHEN p_finished THEN now() END)
  ON CONFLICT (client_id, player_id, game_round_id) DO UPDATE SET
    wins = r.wins + EXCLUDED.wins, deposit_count = r.deposit_count + 1, closed_at = coalesce(r.closed_at, EXCLUDED.closed_at);
  INSERT INTO player_activity_hourly AS h (player_id, hour, wins) VALUES (v_player, date_trunc('hour', now()), p_amount)
  ON CONFLICT (player_id, hour) DO UPDATE SET wins = h.wins + EXCLUDED.wins;
  INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
      currency, amount, cash_amount, jackpot_amount, round_finished, withdraw_transaction_id,
      response_status, response_balance, debit_account_id, credit_account_id, debit_balance_after, credit_balance_after)
  VALUES (v_scope, p_tx, 'deposit', p_hash, v_player, p_game, p_round, p_currency, p_amount, p_cash, p_jackpot,
      p_finished, p_withdraw_tx, 200, v_balance, v_house, v_account, v_house_after, v_balance);
  RETURN ROW(200::smallint, NULL::text, NULL::text, v_balance, v_currency)::wallet_answer;
END;
$$;

CREATE OR REPLACE FUNCTION wallet_rollback(p_client integer, p_tx text, p_hash text, p_player text,
    p_currency text, p_game text, p_round text, p_withdraw_tx text)
RETURNS wallet_answer
LANGUAGE plpgsql SET enable_seqscan = off SET jit = off AS $$
DECLARE
  v_scope integer;
  v_aggregator text;
  v_player bigint;
  v_currency text;
  v_account bigint;
  v_balance bigint;
  prior wallet_transactions;
  w wallet_transactions;
  v_code text;
  v_reason text;
  v_house bigint;
  v_house_after bigint;
  v_refunded bigint;
BEGIN
  SELECT coalesce(scope_id, id), aggregator INTO v_scope, v_aggregator FROM api_clients WHERE id = p_client AND enabled;
  IF NOT FOUND THEN
    RETURN ROW(401::smallint, 'ERROR_INVALID_SIGNATURE', 'the api client is disabled', NULL::bigint, NULL::text)::wallet_answer;
  END IF;
  SELECT p.id, p.currency, a.id, a.balance INTO v_player, v_currency, v_account, v_balance
    FROM players p JOIN accounts a ON a.player_id = p.id WHERE p.external_id = p_player FOR UPDATE OF a;
  IF NOT FOUND THEN
    RETURN ROW(400::smallint, 'ERROR_BAD_REQUEST', 'unknown player', NULL::bigint, NULL::text)::wallet_answer;
  END IF;

  SELECT * INTO prior FROM wallet_transactions WHERE client_id = v_scope AND transaction_id = p_tx;
  IF prior.id IS NOT NULL THEN
    IF prior.kind = 'rollback' AND prior.request_hash = p_hash THEN
      RETURN ROW(prior.response_status, prior.response_code, prior.response_reason, prior.response_balance, v_currency)::wallet_answer;
    ELSE
      RETURN ROW(400::smallint, 'ERROR_TRANSACTION_DUPLICATE', 'this transactionId was already used for a different request', NULL::bigint, v_currency)::wallet_answer;
    END IF;
  END IF;

  SELECT * INTO w FROM wallet_transactions WHERE client_id = v_scope AND transaction_id = p_withdraw_tx;
  -- a contract whose rollback may leave out the round, the game or the currency (Hub88) means its bet's
  p_round := coalesce(p_round, w.game_round_id);
  p_game := coalesce(p_game, w.game_id);
  p_currency := coalesce(p_currency, v_currency);
  IF p_currency <> v_currency THEN
    v_code := 'ERROR_BAD_REQUEST'; v_reason := format('currency %s is not the wallet currency', p_currency);
  ELSIF p_withdraw_tx = p_tx THEN
    -- its tombstone and itself would claim the one key: refused for good, not a 500 on every retry
    v_code := 'ERROR_BAD_REQUEST'; v_reason := 'a rollback cannot name its own transactionId as the withdraw to roll back';
  ELSIF w.id IS NULL THEN
    NULL; -- a rollback before its withdraw: allowed (a tombstone below)
  ELSIF w.kind IN ('deposit', 'rollback') AND v_aggregator <> 'hub88' THEN
    -- Hub88 retries a rollback until it is answered RS_OK: one that names a win or a rollback moves nothing below
    v_code := 'ERROR_BAD_REQUEST'; v_reason := 'only a withdraw can be rolled back';
  ELSIF w.player_id <> v_player OR (w.kind = 'withdraw' AND w.game_round_id <> p_round) THEN
    v_code := 'ERROR_TRANSACTION_WITHDRAW_NOT_FOUND'; v_reason := 'no withdraw of this player and round has that id';
  ELSIF v_aggregator <> 'hub88' AND w.kind = 'withdraw' AND w.rolled_back_by IS NULL AND w.response_status = 200 AND EXISTS (
      SELECT FROM rounds WHERE client_id = v_scope AND player_id = v_player AND game_round_id = p_round AND deposit_count > 0) THEN
    v_code := 'ERROR_BAD_REQUEST'; v_reason := 'the round already received a deposit';
  END IF;
  IF v_code IS NOT NULL THEN
    RETURN ROW(400::smallint, v_code, v_reason, NULL::bigint, v_currency)::wallet_answer;
  END IF;

  IF w.id IS NULL THEN
    -- Rollback before its withdraw: succeed and leave a tombstone, so the late withdraw is refused.
    INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
        currency, response_status, rolled_back_by)
    VALUES (v_scope, p_withdraw_tx, 'tombstone', '', v_player, p_game, p_round, v_currency, 200, p_tx);
  ELSIF w.kind = 'withdraw' AND w.rolled_back_by IS NULL AND w.response_status = 200 THEN
    v_refunded := w.amount;
    UPDATE accounts SET balance = balance - v_refunded
     WHERE kind = 'house' AND currency = v_currency AND shard = pg_backend_pid() % 64 AND player_id IS NULL
     RETURNING id, balance INTO STRICT v_house, v_house_after;
    UPDATE accounts SET balance = balance + v_refunded WHERE id = v_account RETURNING balance INTO v_balance;
    UPDATE wallet_transactions SET rolled_back_by = p_tx WHERE id = w.id;
    INSERT INTO rounds AS r (client_id, player_id, game_round_id, game_id, currency, refunds, rollback_count)
    VALUES (v_scope, v_player, p_round, p_game, v_currency, v_refunded, 1)
    ON CONFLICT (client_id, player_id, game_round_id) DO UPDATE SET
      refunds = r.refunds + EXCLUDED.refunds, rollback_count = r.rollback_count + 1;
    INSERT INTO player_activity_hourly AS h (player_id, hour, refunds) VALUES (v_player, date_trunc('hour', now()), v_refunded)
    ON CONFLICT (player_id, hour) DO UPDATE SET refunds = h.refunds + EXCLUDED.refunds;
  END IF;
  -- Otherwise the withdraw is already final (rolled back, tombstoned or refused): succeed and move nothing.
  INSERT INTO wallet_transactions (client_id, transaction_id, kind, request_hash, player_id, game_id, game_round_id,
      currency, amount, withdraw_transaction_id, response_status, response_balance,
      debit_account_id, credit_account_id, debit_balance_after, credit_balance_after)
  VALUES (v_scope, p_tx, 'rollback', p_hash, v_player, p_game, p_round, p_currency, v_refunded, p_withdraw_tx,
      200, v_balance, v_house, CASE WHEN v_house IS NOT NULL THEN v_account END, v_house_after,
      CASE WHEN v_house IS NOT NULL THEN v_balance END);
  RETURN ROW(200::smallint, NULL::text, NULL::text, v_balance, v_currency)::wallet_answer;
END;
$$;

-- The helpers of the earlier, nested routines: each call into one cost about as much as the SQL it ran.
DROP FUNCTION IF EXISTS wallet_open(integer, text, text, text, text), wallet_replay(wallet_transactions, text, text),
  wallet_withdraw_refusal(integer, bigint, text, text, boolean, bigint, text, text, text, text, bigint),
  wallet_deposit_refusal(wallet_transactions, bigint, text), wallet_rollback_refusal(wallet_transactions, integer, bigint, text),
  wallet_session_refusal(text, bigint, text), wallet_currency_refusal(text, text), wallet_limit_breach(bigint, bigint),
  wallet_record_round(integer, bigint, text, text, char, text, bigint, boolean), wallet_record_activity(bigint, text, bigint),
  wallet_client_enabled(integer);

-- Group commit: the calls that reached the server together, run in one transaction, one round trip and one commit.
-- p_calls is a JSON array of {kind, client, tx, hash, player, session, currency, game, round, amount, cash, jackpot,
-- finished, withdrawTx}; each answer row carries the index of its call. Each call is the same function as alone.
-- Locks are taken in one global order, so two batches (or a batch and a single call) never wait on each other in
-- a circle: first the cash account of every player with a money call, in account id order, then the connection's
-- house shard of each of their currencies, in account id order, before any call runs (two connections may share a
-- shard number, and a batch of two currencies would otherwise take their shards in its calls' order). Calls run in
-- the order they arrived. A call that raises aborts the batch, and the server then runs each of its calls alone,
-- so every call's outcome stays its own.
-- A batch waits at most 250 ms for a lock (less if the session says less): one player held by a slow transaction
-- elsewhere then costs the other calls of its batch a quarter of a second, not the whole statement timeout.
CREATE OR REPLACE FUNCTION wallet_batch(p_calls jsonb)
RETURNS TABLE (r_index integer, r_status smallint, r_code text, r_reason text, r_balance bigint, r_currency text)
LANGUAGE plpgsql SET enable_seqscan = off SET jit = off AS $$
DECLARE
  c record;
  v_answer wallet_answer;
  v_withdraws integer[] := '{}';
  v_deposits integer[] := '{}';
  v_rollbacks integer[] := '{}';
  v_set integer[] := '{}';
  -- the fewest calls of one kind that run as a set (below)
  c_set_from constant integer := 4;
BEGIN
  IF current_setting('lock_timeout') IN ('0', '0ms') OR current_setting('lock_timeout')::interval > interval '250 ms' THEN
    PERFORM set_config('lock_timeout', '250ms', true);
  END IF;
  -- = ANY of an array, not IN (subquery): the planner would hash the subquery's rows and scan every player to probe
  -- it (all of them at each batch: about 0.4 ms with 2,000 players, and growing with them), where this looks each
  -- player up by its key
  PERFORM FROM players p JOIN accounts a ON a.player_id = p.id
   WHERE p.external_id = ANY (ARRAY(SELECT e->>'player' FROM jsonb_array_elements(p_calls) e WHERE e->>'kind' <> 'balance'))
   ORDER BY a.id FOR UPDATE OF a;
  PERFORM FROM accounts a
   WHERE a.kind = 'house' AND a.player_id IS NULL AND a.shard = pg_backend_pid() % 64
     AND a.currency = ANY (ARRAY(SELECT DISTINCT p.currency FROM players p WHERE p.external_id = ANY (
           ARRAY(SELECT e->>'player' FROM jsonb_array_elements(p_calls) e WHERE e->>'kind' <> 'balance'))))
   ORDER BY a.id FOR UPDATE OF a;
  -- the withdraws, the deposits and the rollbacks of players the batch holds once, each with a transactionId of its
  -- own in the batch, go together as one set of each kind (wallet_withdraws, wallet_deposits, wallet_rollbacks) once
  -- there are four: a set's one statement costs more to start than a call alone (docs/benchmark.md "A batch's
  -- withdraws as one set"). A rollback whose withdraw is another call of the batch, or is named by another call too,
  -- stays out of its set: the set's one statement would not see the other call's writes (one naming itself is
  -- refused in the set as alone). Every other call runs alone, in the order they arrived. A batch of fewer than four
  -- calls cannot make a set and skips sorting its calls out, which cost a batch of three about 0.05 ms of the
  -- database's CPU per call (docs/benchmark.md "Small batches skip the sets").
  IF jsonb_array_length(p_calls) >= c_set_from THEN
    SELECT coalesce(array_agg(t.idx) FILTER (WHERE t.kind = 'withdraw'), '{}'), coalesce(array_agg(t.idx) FILTER (WHERE t.kind = 'deposit'), '{}'),
           coalesce(array_agg(t.idx) FILTER (WHERE t.kind = 'rollback' AND t.named = 1 AND (t.withdraw_tx = t.tx
                      OR t.withdraw_tx <> ALL (ARRAY(SELECT e->>'tx' FROM jsonb_array_elements(p_calls) e)))), '{}')
      INTO v_withdraws, v_deposits, v_rollbacks
      FROM (SELECT (i - 1)::integer AS idx, e->>'kind' AS kind, e->>'tx' AS tx, e->>'withdrawTx' AS withdraw_tx,
                   count(*) FILTER (WHERE e->>'kind' <> 'balance') OVER (PARTITION BY e->>'player') AS calls,
                   count(*) OVER (PARTITION BY e->>'tx') AS uses,
                   count(*) OVER (PARTITION BY e->>'withdrawTx') AS named
              FROM jsonb_array_elements(p_calls) WITH ORDINALITY AS c(e, i)) t
     WHERE t.calls = 1 AND t.uses = 1;
  END IF;
  IF cardinality(v_withdraws) >= c_set_from THEN
    RETURN QUERY SELECT * FROM wallet_withdraws(p_calls, v_withdraws);
    v_set := v_withdraws;
  END IF;
  IF cardinality(v_deposits) >= c_set_from THEN
    RETURN QUERY SELECT * FROM wallet_deposits(p_calls, v_deposits);
    v_set := v_set || v_deposits;
  END IF;
  IF cardinality(v_rollbacks) >= c_set_from THEN
    RETURN QUERY SELECT * FROM wallet_rollbacks(p_calls, v_rollbacks);
    v_set := v_set || v_rollbacks;
  END IF;
  FOR c IN SELECT t.e, (t.i - 1)::integer AS idx FROM jsonb_array_elements(p_calls) WITH ORDINALITY AS t(e, i)
            WHERE (t.i - 1)::integer <> ALL (v_set) ORDER BY t.i LOOP
    CASE c.e->>'kind'
      WHEN 'balance' THEN
        v_answer := wallet_balance((c.e->>'client')::integer, c.e->>'player', c.e->>'session', c.e->>'currency');
      WHEN 'withdraw' THEN
        v_answer := wallet_withdraw((c.e->>'client')::integer, c.e->>'tx', c.e->>'hash', c.e->>'player',
          c.e->>'session', c.e->>'currency', c.e->>'game', c.e->>'round', (c.e->>'amount')::bigint, (c.e->>'cash')::bigint,
          (c.e->>'jackpot')::bigint, (c.e->>'finished')::boolean);
      WHEN 'deposit' THEN
        v_answer := wallet_deposit((c.e->>'client')::integer, c.e->>'tx', c.e->>'hash', c.e->>'player',
          c.e->>'currency', c.e->>'game', c.e->>'round', (c.e->>'amount')::bigint, (c.e->>'cash')::bigint,
          (c.e->>'jackpot')::bigint, (c.e->>'finished')::boolean, c.e->>'withdrawTx');
      WHEN 'rollback' THEN
        v_answer := wallet_rollback((c.e->>'client')::integer, c.e->>'tx', c.e->>'hash', c.e->>'player',
          c.e->>'currency', c.e->>'game', c.e->>'round', c.e->>'withdrawTx');
    END CASE;
    r_index := c.idx;
    r_status := v_answer.r_status; r_code := v_answer.r_code; r_reason := v_answer.r_reason;
    r_balance := v_answer.r_balance; r_currency := v_answer.r_currency;
    RETURN NEXT;
  END LOOP;
END;
$$;
