-- The ledger's routines, installed (CREATE OR REPLACE) by the migrator after every migration run, so the database
-- always holds the version that sits next to the service using it. ledger_transfer is the one way the operator API
-- and the payouts move money; the wallet's routines (src/wallet/routines.sql) write the same transfer rows inline.
--
-- Sign convention: an account's balance is the sum of its credits minus the sum of its debits, so every transfer
-- adds to one account what it takes from another and all balances of a currency sum to zero.

-- The house side of game play is split over 64 shard accounts per currency so that concurrent bets do not queue
-- on one hot row (the wallet picks the shard of its database connection, backend pid % 64); reports add the shards
-- up.
CREATE OR REPLACE FUNCTION ledger_ensure_currency(p_currency char(3)) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO accounts (kind, currency, shard, allow_negative)
  SELECT 'house', p_currency, s, true FROM generate_series(0, 63) AS s
  UNION ALL SELECT 'operator_funding', p_currency, 0, true
  UNION ALL SELECT 'corrections', p_currency, 0, true
  UNION ALL SELECT 'payout_in_flight', p_currency, 0, false
  UNION ALL SELECT 'payout_settled', p_currency, 0, false
  UNION ALL SELECT 'approval_hold', p_currency, 0, false
  UNION ALL SELECT 'unclaimed', p_currency, 0, false
  ON CONFLICT (kind, currency, shard) WHERE player_id IS NULL DO NOTHING;
$$;

CREATE OR REPLACE FUNCTION ledger_system_account(p_kind text, p_currency char(3), p_shard integer DEFAULT 0)
RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT id FROM accounts
  WHERE kind = p_kind AND currency = p_currency AND shard = p_shard AND player_id IS NULL;
$$;

-- Moves p_amount from p_debit to p_credit and records the transfer, all in the caller's transaction.
-- Rows are updated in id order so that two transfers over the same accounts can never deadlock.
-- The accounts_balance_floor constraint refuses (SQLSTATE 23514) a debit below zero where not allowed,
-- and the unique idempotency_key refuses (23505) a second transfer under the same key.
CREATE OR REPLACE FUNCTION ledger_transfer(p_key text, p_kind text, p_debit bigint, p_credit bigint,
                                           p_amount bigint, p_reference text DEFAULT NULL)
RETURNS transfers LANGUAGE plpgsql AS $$
DECLARE
  debit_after bigint;
  credit_after bigint;
  debit_currency char(3);
  credit_currency char(3);
  result transfers;
BEGIN
  IF p_amount < 0 THEN
    RAISE EXCEPTION 'transfer amount must not be negative' USING ERRCODE = 'check_violation';
  END IF;
  IF p_debit < p_credit THEN
    UPDATE accounts SET balance = balance - p_amount WHERE id = p_debit RETURNING balance, currency
      INTO debit_after, debit_currency;
    UPDATE accounts SET balance = balance + p_amount WHERE id = p_credit RETURNING balance, currency
      INTO credit_after, credit_currency;
  ELSE
    UPDATE accounts SET balance = balance + p_amount WHERE id = p_credit RETURNING balance, currency
      INTO credit_after, credit_currency;
    UPDATE accounts SET balance = balance - p_amount WHERE id = p_debit RETURNING balance, currency
      INTO debit_after, debit_currency;
  END IF;
  IF debit_currency IS NULL OR credit_currency IS NULL THEN
    RAISE EXCEPTION 'transfer % names an unknown account', p_key USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF debit_currency <> credit_currency THEN
    RAISE EXCEPTION 'transfer % crosses currencies % and %', p_key, debit_currency, credit_currency
      USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO transfers (idempotency_key, kind, currency, amount, debit_account_id, credit_account_id,
                         debit_balance_after, credit_balance_after, reference)
  VALUES (p_key, p_kind, debit_currency, p_amount, p_debit, p_credit, debit_after, credit_after, p_reference)
  RETURNING * INTO result;
  RETURN result;
END;
$$;

-- Replaced by the flat wallet routines, which pick the house shard inline.
DROP FUNCTION IF EXISTS ledger_house_account(bigint, char);
