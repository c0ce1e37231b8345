-- One reference day for SIGAP (docs/protection.md "A day's movements"): every movement of money on a player's
-- account, and every change of an account's status, in the day's bounds (start inclusive, end exclusive), oldest first.
SELECT 'movement' AS record, to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at, t.id AS sequence,
       p.external_id AS player_id, p.document_number AS cpf, t.kind,
       CASE WHEN t.credit_account_id = a.id THEN t.amount ELSE -t.amount END AS amount,
       CASE WHEN t.credit_account_id = a.id THEN t.credit_balance_after ELSE t.debit_balance_after END AS balance_after,
       t.currency, t.reference, coalesce(m.game_id, w.game_id), coalesce(m.game_round_id, w.game_round_id),
       NULL AS status, NULL::integer AS sigap_status
FROM ledger_movements t
JOIN accounts a ON a.kind = 'player_cash' AND a.id IN (t.debit_account_id, t.credit_account_id)
JOIN players p ON p.id = a.player_id
-- a wallet call's round: its own row since migration 022 (m), its transfer's wallet row before (w)
LEFT JOIN wallet_transactions m ON m.id = t.id AND m.debit_account_id IS NOT NULL
LEFT JOIN wallet_transactions w ON w.transfer_id = t.id
WHERE t.created_at >= :from::timestamptz AND t.created_at < :to::timestamptz
UNION ALL
SELECT 'status', to_char(s.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), s.id,
       p.external_id, p.document_number, 'status', NULL, NULL, p.currency, NULL, NULL, NULL, s.to_status,
       -- SPA's account status codes as its FAQ lists them; impeded is 10 for a social-programme beneficiary
       CASE s.to_status WHEN 'active' THEN 1 WHEN 'closed' THEN 2 WHEN 'blocked' THEN 6
                        WHEN 'impeded' THEN CASE WHEN i.reason = 'PROGRAMA_SOCIAL' THEN 10 ELSE 4 END END
FROM player_status_changes s
JOIN players p ON p.id = s.player_id
LEFT JOIN impediments i ON i.player_id = s.player_id
WHERE s.changed_at >= :from::timestamptz AND s.changed_at < :to::timestamptz
UNION ALL
-- a change of identity verification (docs/kyc.md): a preventive suspension is SPA's 6; verified is active (1), rejected
-- cancelled (2); the states in between have no code of their own
SELECT 'status', to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), k.id,
       p.external_id, p.document_number, 'kyc', NULL, NULL, p.currency, NULL, NULL, NULL, 'kyc_' || k.status_after,
       CASE k.status_after WHEN 'verified' THEN 1 WHEN 'rejected' THEN 2 WHEN 'suspended' THEN 6 END
FROM kyc_checks k
JOIN players p ON p.id = k.player_id
WHERE k.status_after <> k.status_before AND k.created_at >= :from::timestamptz AND k.created_at < :to::timestamptz
ORDER BY occurred_at, record, kind, sequence
