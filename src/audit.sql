-- The audit trail's chain (docs/operations.md "Audit trail"), installed by the migrator after every migration run.
--
-- Each row's hash covers the row and the hash of the row before it, so an edited row, or a removed one, breaks the
-- chain from there on: audit_chain_breaks() finds where. Writes are serialised by one advisory lock so that the
-- chain's order is the ids' order. A trigger refuses UPDATE and DELETE: the trail is append-only for the
-- application; a superuser who disables the trigger still cannot edit a row without the chain saying so.

CREATE OR REPLACE FUNCTION audit_row_hash(p_prev text, p_action text, p_player bigint, p_details jsonb, p_trace text,
    p_actor text, p_role text, p_at timestamptz)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|', coalesce(p_prev, ''), p_action, coalesce(p_player::text, ''), p_details::text,
    coalesce(p_trace, ''), coalesce(p_actor, ''), coalesce(p_role, ''), to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')), 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION audit_append(p_action text, p_player bigint, p_details jsonb, p_trace text, p_actor text, p_role text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_prev text;
  v_at timestamptz := clock_timestamp();
BEGIN
  PERFORM pg_advisory_xact_lock(7340002);
  SELECT hash INTO v_prev FROM audit_log ORDER BY id DESC LIMIT 1;
  INSERT INTO audit_log (action, player_id, details, trace_id, actor, actor_role, created_at, prev_hash, hash)
  VALUES (p_action, p_player, p_details, p_trace, p_actor, p_role, v_at, v_prev,
          audit_row_hash(v_prev, p_action, p_player, p_details, p_trace, p_actor, p_role, v_at));
END;
$$;

-- Each row whose hash is not what its content and the previous row give: the first one is where the trail was changed.
CREATE OR REPLACE FUNCTION audit_chain_breaks()
RETURNS TABLE (id bigint, reason text) LANGUAGE sql STABLE AS $$
  SELECT r.id, CASE WHEN r.prev_hash IS DISTINCT FROM r.before THEN 'the row before it is not the one it was chained to (a row removed or inserted)'
                    ELSE 'its content is not what it was when written' END
  FROM (SELECT a.id, a.hash, a.prev_hash, lag(a.hash) OVER (ORDER BY a.id) AS before,
               audit_row_hash(a.prev_hash, a.action, a.player_id, a.details, a.trace_id, a.actor, a.actor_role, a.created_at) AS recomputed
        FROM audit_log a) r
  WHERE r.hash IS DISTINCT FROM r.recomputed OR r.prev_hash IS DISTINCT FROM r.before
  ORDER BY r.id
$$;

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
