-- Custom SQL migration file, put your code below! --
-- The consent write path (enrollment submissions and manage-page changes) as two statements after the token:
-- consent_ledger_state() takes the employee's ledger lock and reads everything the decision needs, then the server
-- validates and hash-chains the events (server/services/consent-ledger.ts) and record_consent() writes them with
-- the projection, the purge and the enrollment's own rows. See ADR 0010.
--
-- Why the read runs as its own role: under the tenant policy every lookup on a tenant table also carries
-- `customer_id = <tenant>`, which any index led by customer_id can serve. For a tenant the statistics do not know
-- yet (a new customer's first enrollments) the planner estimates that tenant at one row and may walk all of its
-- rows through such an index instead of the primary key: measured, the idempotency check and the chain reads then
-- walked every event of the tenant on each submission. panops_ledger reads with a `true` policy, so only the keys
-- given below can reach an index, and the function applies the tenant itself: the employee must belong to the
-- caller's tenant (app.customer_id), and every other row is found through that employee or checked against it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'panops_ledger') THEN
    CREATE ROLE panops_ledger NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT panops_ledger TO %I', current_user);
  END IF;
END
$$;--> statement-breakpoint
GRANT USAGE, CREATE ON SCHEMA public TO panops_ledger;--> statement-breakpoint
GRANT SELECT ON "customers", "employees", "enrollment_links", "employee_consent", "consent_notice_versions",
  "identity_confirmations" TO panops_ledger;--> statement-breakpoint
GRANT SELECT ON "consent_events" TO panops_ledger;--> statement-breakpoint
-- The rows record_consent() will update (the enrollment link, the projection) are locked while the decision is
-- checked, which needs the UPDATE privilege; the policies let the role lock them and change nothing.
GRANT UPDATE ("status") ON "enrollment_links" TO panops_ledger;--> statement-breakpoint
GRANT UPDATE ("revoked") ON "employee_consent" TO panops_ledger;--> statement-breakpoint
CREATE POLICY "customers_ledger_read" ON "customers" FOR SELECT TO panops_ledger USING (true);--> statement-breakpoint
CREATE POLICY "employees_ledger_read" ON "employees" FOR SELECT TO panops_ledger USING (true);--> statement-breakpoint
CREATE POLICY "enrollment_links_ledger_read" ON "enrollment_links" FOR SELECT TO panops_ledger USING (true);--> statement-breakpoint
CREATE POLICY "enrollment_links_ledger_lock" ON "enrollment_links" FOR UPDATE TO panops_ledger USING (true) WITH CHECK (false);--> statement-breakpoint
CREATE POLICY "employee_consent_ledger_read" ON "employee_consent" FOR SELECT TO panops_ledger USING (true);--> statement-breakpoint
CREATE POLICY "employee_consent_ledger_lock" ON "employee_consent" FOR UPDATE TO panops_ledger USING (true) WITH CHECK (false);--> statement-breakpoint
CREATE POLICY "consent_notice_versions_ledger_read" ON "consent_notice_versions" FOR SELECT TO panops_ledger USING (true);--> statement-breakpoint
CREATE POLICY "identity_confirmations_ledger_read" ON "identity_confirmations" FOR SELECT TO panops_ledger USING (true);--> statement-breakpoint
CREATE POLICY "consent_events_ledger_read" ON "consent_events" FOR SELECT TO panops_ledger USING (true);--> statement-breakpoint
-- One employee's ledger state, under the ledger lock: NULL unless the employee belongs to the caller's tenant.
-- The lock comes first and every read after it is a statement of its own, so it sees what a concurrent writer of the
-- same chain committed before the lock was granted (a duplicate submission then finds its own events: replay).
-- p_link_token (enrollment): that link of this employee, locked FOR UPDATE; p_notice_version_id: that notice
-- version of this tenant; p_submission_key: the replayed submission's identity confirmation flag, when its events
-- are found. The link (FOR UPDATE, as before) and the projection (FOR NO KEY UPDATE, what its update takes: a
-- concurrent ingest holding it FOR SHARE is waited for here, ADR 0006) are locked, and their row addresses (ctid) go
-- back so that record_consent() updates exactly those rows, which the locks keep in place until the end.
CREATE FUNCTION consent_ledger_state(p_employee_id uuid, p_link_token uuid, p_notice_version_id uuid, p_submission_key text)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  v_tenant constant uuid := nullif(current_setting('app.customer_id', true), '')::uuid;
  v_employee jsonb;
  v_customer jsonb;
  v_link jsonb;
  v_notice jsonb;
  v_projection jsonb;
  v_history jsonb;
  v_replayed_at timestamptz;
  v_corrected boolean;
BEGIN
  IF v_tenant IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended(p_employee_id::text, 7));
  -- By primary key alone, then the tenant check (as an index condition it could walk the tenant, see above).
  SELECT jsonb_build_object('id', e.id, 'customerId', e.customer_id, 'email', e.email, 'displayName', e.display_name,
           'platformIds', e.platform_ids)
    INTO v_employee
    FROM public.employees e WHERE e.id = p_employee_id;
  IF (v_employee->>'customerId')::uuid IS DISTINCT FROM v_tenant THEN
    RETURN NULL;
  END IF;
  SELECT jsonb_build_object('name', c.name, 'channels', c.channels) INTO v_customer
    FROM public.customers c WHERE c.id = v_tenant;
  IF p_link_token IS NOT NULL THEN
    SELECT jsonb_build_object('ctid', l.ctid::text, 'status', l.status, 'expiresAt', l.expires_at) INTO v_link
      FROM public.enrollment_links l WHERE l.token = p_link_token AND l.employee_id = p_employee_id
      FOR UPDATE;
  END IF;
  IF p_notice_version_id IS NOT NULL THEN
    SELECT jsonb_build_object('id', v.id, 'language', v.language, 'version', v.version) INTO v_notice
      FROM public.consent_notice_versions v WHERE v.id = p_notice_version_id AND v.customer_id = v_tenant;
  END IF;
  SELECT jsonb_build_object('ctid', c.ctid::text, 'channelsConsented', c.channels_consented) INTO v_projection
    FROM public.employee_consent c WHERE c.employee_id = p_employee_id
    FOR NO KEY UPDATE;
  -- The whole chain, oldest first (the receipt shows it; its last link is the tip). The tenant check sits outside
  -- the OFFSET 0 fence so that it can never become an index condition of its own.
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'seq', e.seq, 'hash', e.hash, 'channel', e.channel,
           'decision', e.decision, 'occurredAt', e.occurred_at, 'language', e.language,
           'noticeVersion', (SELECT v.version FROM public.consent_notice_versions v WHERE v.id = e.notice_version_id),
           'idempotencyKey', e.idempotency_key) ORDER BY e.seq), '[]'::jsonb),
         min(e.occurred_at) FILTER (WHERE left(e.idempotency_key, length(p_submission_key) + 1) = p_submission_key || ':')
    INTO v_history, v_replayed_at
    FROM (SELECT * FROM public.consent_events WHERE employee_id = p_employee_id OFFSET 0) e
    WHERE e.customer_id = v_tenant;
  IF v_replayed_at IS NOT NULL THEN
    SELECT c.corrected INTO v_corrected FROM public.identity_confirmations c
      WHERE c.customer_id = v_tenant AND c.employee_id = p_employee_id
      ORDER BY c.created_at = v_replayed_at DESC, c.created_at DESC LIMIT 1;
  END IF;
  RETURN jsonb_build_object('employee', v_employee, 'customer', v_customer, 'link', v_link, 'notice', v_notice,
    'projection', v_projection, 'history', v_history, 'replayCorrected', v_corrected);
END
$$;--> statement-breakpoint
ALTER FUNCTION consent_ledger_state(uuid, uuid, uuid, text) OWNER TO panops_ledger;--> statement-breakpoint
REVOKE ALL ON FUNCTION consent_ledger_state(uuid, uuid, uuid, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION consent_ledger_state(uuid, uuid, uuid, text) TO panops_app;--> statement-breakpoint
-- Writes one decision as the caller (panops_app under the tenant policy), in this order: the identity confirmation
-- and its corrections (enrollment), the chained events exactly as the server hashed them, the projection (insert,
-- or update of the row consent_ledger_state() locked), the purge of every channel whose consent ends (after the
-- projection lock: that is what a concurrent ingest holds FOR SHARE, ADR 0006), the link marked used and
-- the new manage secret's hash (enrollment). Each is its own statement, so the dashboard tally triggers see the same
-- sequence as before. Returns how many communications the purge removed.
CREATE FUNCTION record_consent(p jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, public AS $$
DECLARE
  v_customer constant uuid := (p->>'customerId')::uuid;
  v_employee constant uuid := (p->>'employeeId')::uuid;
  v_now constant timestamptz := (p->>'now')::timestamptz;
  v_removed integer := 0;
BEGIN
  IF p ? 'confirmation' THEN
    INSERT INTO identity_confirmations (id, customer_id, employee_id, directory, confirmed, corrected, created_at)
      VALUES ((p#>>'{confirmation,id}')::uuid, v_customer, v_employee, p#>'{confirmation,directory}',
              p#>'{confirmation,confirmed}', (p#>>'{confirmation,corrected}')::boolean, v_now);
    IF jsonb_array_length(p#>'{confirmation,corrections}') > 0 THEN
      INSERT INTO identity_corrections (customer_id, employee_id, confirmation_id, field, old_value, new_value, created_at)
        SELECT v_customer, v_employee, (p#>>'{confirmation,id}')::uuid, c.field, c."oldValue", c."newValue", v_now
        FROM jsonb_to_recordset(p#>'{confirmation,corrections}') AS c(field text, "oldValue" text, "newValue" text);
    END IF;
  END IF;
  IF jsonb_array_length(p->'events') > 0 THEN
    INSERT INTO consent_events (id, customer_id, employee_id, seq, channel, decision, notice_version_id, language,
                                occurred_at, ip_address, user_agent, idempotency_key, prev_hash, hash)
      SELECT e.id, e."customerId", e."employeeId", e.seq, e.channel, e.decision, e."noticeVersionId", e.language,
             e."occurredAt", e."ipAddress", e."userAgent", e."idempotencyKey", e."prevHash", e.hash
      FROM jsonb_to_recordset(p->'events') AS e(id uuid, "customerId" uuid, "employeeId" uuid, seq integer, channel text,
        decision text, "noticeVersionId" uuid, language text, "occurredAt" timestamptz, "ipAddress" text,
        "userAgent" text, "idempotencyKey" text, "prevHash" text, hash text);
  END IF;
  IF p#>>'{projection,ctid}' IS NULL THEN
    INSERT INTO employee_consent (employee_id, customer_id, email, display_name, enrollment_timestamp, consent_version,
                                  channels_consented, ip_address, user_agent)
      VALUES (v_employee, v_customer, p#>>'{projection,email}', p#>>'{projection,displayName}', v_now,
              p#>>'{projection,consentVersion}', p#>'{projection,channelsConsented}', p#>>'{projection,ipAddress}',
              p#>>'{projection,userAgent}');
  ELSE
    UPDATE employee_consent SET
        channels_consented = p#>'{projection,channelsConsented}',
        consent_version = CASE WHEN p->'projection' ? 'consentVersion' THEN p#>>'{projection,consentVersion}' ELSE consent_version END,
        revoked = CASE WHEN p->'projection' ? 'revoked' THEN (p#>>'{projection,revoked}')::boolean ELSE revoked END,
        revoked_at = CASE WHEN p->'projection' ? 'revokedAt' THEN (p#>>'{projection,revokedAt}')::timestamptz ELSE revoked_at END
      WHERE ctid = (p#>>'{projection,ctid}')::tid AND employee_id = v_employee;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'employee_consent of % is not where the ledger state locked it', v_employee;
    END IF;
  END IF;
  IF jsonb_array_length(coalesce(p->'purge', '[]'::jsonb)) > 0 THEN
    WITH removed AS (
      DELETE FROM communications
      WHERE customer_id = v_customer AND employee_id = v_employee
        AND channel = any(ARRAY(SELECT x->>'channel' FROM jsonb_array_elements(p->'purge') x))
      RETURNING channel
    ), counts AS (SELECT channel, count(*)::int AS n FROM removed GROUP BY channel),
    purged AS (
      INSERT INTO communication_purges (customer_id, employee_id, channel, consent_event_id, removed_count, purged_at)
      SELECT v_customer, v_employee, ev.channel, ev.id, coalesce(counts.n, 0), v_now
      FROM jsonb_to_recordset(p->'purge') AS ev(id uuid, channel text)
      LEFT JOIN counts ON counts.channel = ev.channel
      RETURNING removed_count
    )
    SELECT coalesce(sum(removed_count), 0)::int INTO v_removed FROM purged;
  END IF;
  IF p ? 'link' THEN
    UPDATE enrollment_links SET status = 'used', used_at = v_now
      WHERE ctid = (p#>>'{link,ctid}')::tid AND token = (p#>>'{link,token}')::uuid;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'enrollment link of % is not where the ledger state locked it', v_employee;
    END IF;
  END IF;
  IF p ? 'manageTokenHash' THEN
    INSERT INTO consent_manage_tokens (token_hash, employee_id, customer_id, created_at)
      VALUES (p->>'manageTokenHash', v_employee, v_customer, v_now);
  END IF;
  RETURN v_removed;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION record_consent(jsonb) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION record_consent(jsonb) TO panops_app;
