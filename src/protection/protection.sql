-- Player protection's routines (docs/protection.md), installed by the migrator after the wallet's.

-- An impeded player's open rounds are cancelled: each accepted bet not yet rolled back is refunded in full through
-- wallet_rollback, under the id 'spa-cancel:<bet id>', exactly as if its aggregator had rolled it back (so a later
-- rollback of it moves nothing and a later win on it is refused). A Fizzy Bubbly round that already paid a win
-- cannot be rolled back under that contract's rules; it is closed with its bets standing. Then every open round of
-- the player is closed. Answers the rounds closed and the stakes refunded.
CREATE OR REPLACE FUNCTION protection_cancel_open_rounds(p_player bigint)
RETURNS TABLE (r_rounds integer, r_refunded bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_external text;
  bet record;
  answer record;
  v_rounds integer := 0;
  v_refunded bigint := 0;
  c record;
  n integer;
BEGIN
  SELECT external_id INTO v_external FROM players WHERE id = p_player;
  FOR bet IN
    SELECT t.client_id, t.transaction_id, t.amount FROM wallet_transactions t
    JOIN rounds r ON r.client_id = t.client_id AND r.player_id = t.player_id AND r.game_round_id = t.game_round_id
    WHERE t.player_id = p_player AND t.kind = 'withdraw' AND t.response_status = 200 AND t.rolled_back_by IS NULL
      AND r.closed_at IS NULL
    ORDER BY t.id
  LOOP
    SELECT * INTO answer FROM wallet_rollback(bet.client_id, 'spa-cancel:' || bet.transaction_id, 'spa-cancel', v_external,
                                              NULL, NULL, NULL, bet.transaction_id);
    IF answer.r_status = 200 THEN v_refunded := v_refunded + bet.amount; END IF;
  END LOOP;
  -- rounds are keyed by client first: one index probe per client rather than a scan of every round
  FOR c IN SELECT id FROM api_clients LOOP
    UPDATE rounds SET closed_at = now() WHERE client_id = c.id AND player_id = p_player AND closed_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    v_rounds := v_rounds + n;
  END LOOP;
  RETURN QUERY SELECT v_rounds, v_refunded;
END;
$$;
