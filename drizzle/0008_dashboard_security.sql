-- Custom SQL migration file, put your code below! --
-- Admin dashboard at 100,000 employees: the tallies' FORCE RLS and grants, the from-scratch counts (views), the
-- statement triggers that keep the tallies equal to those counts, the backfill, and the people search.
ALTER TABLE "enrollment_cell_tallies" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollment_link_tallies" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollment_response_tallies" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Writers append deltas (the triggers run as the writer); readers fold a customer's rows (delete + insert).
GRANT SELECT, INSERT, DELETE ON "enrollment_cell_tallies", "enrollment_link_tallies", "enrollment_response_tallies"
  TO panops_app;--> statement-breakpoint
-- What each tally must always sum to, counted from scratch (backfill below; tests compare against these), read
-- with the reader's rights and so within the reader's tenant.
CREATE VIEW enrollment_cell_counts WITH (security_invoker = true) AS
  SELECT e.customer_id, e.department, e.location, count(*)::int AS employees, count(c.employee_id)::int AS respondents,
    count(*) FILTER (WHERE c.channels_consented ? 'email')::int AS allowed_email,
    count(*) FILTER (WHERE c.channels_consented ? 'messaging')::int AS allowed_messaging,
    count(*) FILTER (WHERE c.channels_consented ? 'video')::int AS allowed_video,
    count(*) FILTER (WHERE c.channels_consented ? 'sms_voice')::int AS allowed_sms_voice
  FROM employees e LEFT JOIN employee_consent c ON c.employee_id = e.id
  WHERE e.left_at IS NULL
  GROUP BY 1, 2, 3;--> statement-breakpoint
CREATE VIEW enrollment_link_counts WITH (security_invoker = true) AS
  SELECT l.customer_id, l.expires_at, l.opened_at IS NOT NULL AS opened, l.sent_at IS NOT NULL AS sent, count(*)::int AS links
  FROM enrollment_links l JOIN employees e ON e.id = l.employee_id AND e.left_at IS NULL
  WHERE l.status = 'active' AND NOT EXISTS (SELECT 1 FROM employee_consent c WHERE c.employee_id = l.employee_id)
  GROUP BY 1, 2, 3, 4;--> statement-breakpoint
CREATE VIEW enrollment_response_counts WITH (security_invoker = true) AS
  SELECT c.customer_id, date_bin('1 minute', c.enrollment_timestamp, timestamptz '2000-01-01 00:00:00+00') AS minute,
    count(*)::int AS respondents
  FROM employee_consent c JOIN employees e ON e.id = c.employee_id AND e.left_at IS NULL
  GROUP BY 1, 2;--> statement-breakpoint
GRANT SELECT ON enrollment_cell_counts, enrollment_link_counts, enrollment_response_counts TO panops_app;--> statement-breakpoint
-- panops_dashboard owns the tally triggers and the people search (SECURITY DEFINER) and reads employees, responses
-- and links with a `true` policy. Under RLS PostgreSQL may use an index only for leakproof conditions (the tenant
-- policy must filter first): ILIKE could never use the trigram index, and with fresh rows' stale statistics a
-- lookup by id could walk the whole tenant's customer_id index instead of the primary key. Both functions take
-- ids or the tenant only from rows the caller was allowed to write, or from the caller's tenant setting.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'panops_dashboard') THEN
    CREATE ROLE panops_dashboard NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT panops_dashboard TO %I', current_user);
  END IF;
END
$$;--> statement-breakpoint
GRANT USAGE, CREATE ON SCHEMA public TO panops_dashboard;--> statement-breakpoint
GRANT SELECT ON "employees", "employee_consent", "enrollment_links" TO panops_dashboard;--> statement-breakpoint
CREATE POLICY "employees_dashboard_read" ON "employees" FOR SELECT TO panops_dashboard USING (true);--> statement-breakpoint
CREATE POLICY "employee_consent_dashboard_read" ON "employee_consent" FOR SELECT TO panops_dashboard USING (true);--> statement-breakpoint
CREATE POLICY "enrollment_links_dashboard_read" ON "enrollment_links" FOR SELECT TO panops_dashboard USING (true);--> statement-breakpoint
GRANT INSERT ON "enrollment_cell_tallies", "enrollment_link_tallies", "enrollment_response_tallies" TO panops_dashboard;--> statement-breakpoint
CREATE POLICY "enrollment_cell_tallies_dashboard_write" ON "enrollment_cell_tallies" FOR INSERT TO panops_dashboard WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "enrollment_link_tallies_dashboard_write" ON "enrollment_link_tallies" FOR INSERT TO panops_dashboard WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "enrollment_response_tallies_dashboard_write" ON "enrollment_response_tallies" FOR INSERT TO panops_dashboard WITH CHECK (true);--> statement-breakpoint
-- The triggers. Each statement on one of the three tables adds (its new rows' contribution − its old rows'), reading
-- the other two tables as they stand; as a statement changes only its own table, that is exactly how the counts
-- change. Statement-level with transition tables, so a 100,000-row import or link generation is one grouped insert.
-- An UPDATE counts every old row out and every new row in, and unchanged rows cancel in the grouping. Every
-- lookup into another table is forced to be a per-row index probe (a scalar or OFFSET 0 lateral subquery): the
-- transition tables have no statistics, and a table bulk-loaded in the same transaction has stale ones, so a free
-- choice of join could scan a whole tenant per changed row.
CREATE FUNCTION enrollment_tallies_on_employees() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  cols constant text := 'id, customer_id, department, location, left_at';
BEGIN
  -- Roster imports and identity corrections are rare: dynamic SQL (planned per statement) keeps one body.
  EXECUTE format($q$
    WITH d AS (
      SELECT s.*, c.employee_id IS NOT NULL AS responded, c.channels_consented, c.enrollment_timestamp
      FROM (%s) s
      LEFT JOIN LATERAL (SELECT c.employee_id, c.channels_consented, c.enrollment_timestamp FROM employee_consent c
                         WHERE c.employee_id = s.id OFFSET 0) c ON true
      WHERE s.left_at IS NULL
    ), cells AS (
      INSERT INTO enrollment_cell_tallies
      SELECT * FROM (
        SELECT customer_id, department, location, sum(sign) AS n, sum(sign * responded::int) AS r,
          sum(sign * coalesce((channels_consented ? 'email')::int, 0)) AS a1,
          sum(sign * coalesce((channels_consented ? 'messaging')::int, 0)) AS a2,
          sum(sign * coalesce((channels_consented ? 'video')::int, 0)) AS a3,
          sum(sign * coalesce((channels_consented ? 'sms_voice')::int, 0)) AS a4
        FROM d GROUP BY 1, 2, 3) g
      WHERE (n, r, a1, a2, a3, a4) <> (0, 0, 0, 0, 0, 0)
    ), links AS (
      INSERT INTO enrollment_link_tallies
      SELECT l.customer_id, l.expires_at, l.opened_at IS NOT NULL, l.sent_at IS NOT NULL, sum(d.sign)
      FROM d CROSS JOIN LATERAL (SELECT l.customer_id, l.expires_at, l.opened_at, l.sent_at FROM enrollment_links l
                                 WHERE l.employee_id = d.id AND l.status = 'active' OFFSET 0) l
      WHERE NOT d.responded
      GROUP BY 1, 2, 3, 4 HAVING sum(d.sign) <> 0
    )
    INSERT INTO enrollment_response_tallies
    SELECT customer_id, date_bin('1 minute', enrollment_timestamp, timestamptz '2000-01-01 00:00:00+00'), sum(sign)
    FROM d WHERE responded
    GROUP BY 1, 2 HAVING sum(sign) <> 0$q$,
    CASE TG_OP
      WHEN 'UPDATE' THEN format('SELECT %s, -1 AS sign FROM old_rows UNION ALL SELECT %s, 1 FROM new_rows', cols, cols)
      ELSE format('SELECT %s, %s AS sign FROM changed_rows', cols, CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END)
    END);
  RETURN NULL;
END
$$;--> statement-breakpoint
-- On the enrollment path (one insert per response): static SQL, planned once per connection. The two branches
-- differ only in where the rows come from.
CREATE FUNCTION enrollment_tallies_on_consent() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    WITH d AS (
      SELECT e.customer_id, e.department, e.location, s.employee_id, s.channels_consented, s.enrollment_timestamp, s.sign
      FROM (SELECT employee_id, channels_consented, enrollment_timestamp, -1 AS sign FROM old_rows
            UNION ALL SELECT employee_id, channels_consented, enrollment_timestamp, 1 FROM new_rows) s
      CROSS JOIN LATERAL (SELECT e.customer_id, e.department, e.location FROM employees e
                          WHERE e.id = s.employee_id AND e.left_at IS NULL OFFSET 0) e
    ), cells AS (
      INSERT INTO enrollment_cell_tallies
      SELECT * FROM (
        SELECT customer_id, department, location, 0, sum(sign) AS r,
          sum(sign * (channels_consented ? 'email')::int) AS a1, sum(sign * (channels_consented ? 'messaging')::int) AS a2,
          sum(sign * (channels_consented ? 'video')::int) AS a3, sum(sign * (channels_consented ? 'sms_voice')::int) AS a4
        FROM d GROUP BY 1, 2, 3) g
      WHERE (r, a1, a2, a3, a4) <> (0, 0, 0, 0, 0)
    ), links AS (
      INSERT INTO enrollment_link_tallies
      SELECT l.customer_id, l.expires_at, l.opened_at IS NOT NULL, l.sent_at IS NOT NULL, -sum(d.sign)
      FROM d CROSS JOIN LATERAL (SELECT l.customer_id, l.expires_at, l.opened_at, l.sent_at FROM enrollment_links l
                                 WHERE l.employee_id = d.employee_id AND l.status = 'active' OFFSET 0) l
      GROUP BY 1, 2, 3, 4 HAVING sum(d.sign) <> 0
    )
    INSERT INTO enrollment_response_tallies
    SELECT customer_id, date_bin('1 minute', enrollment_timestamp, timestamptz '2000-01-01 00:00:00+00'), sum(sign)
    FROM d GROUP BY 1, 2 HAVING sum(sign) <> 0;
  ELSE
    WITH d AS (
      SELECT e.customer_id, e.department, e.location, s.employee_id, s.channels_consented, s.enrollment_timestamp, s.sign
      FROM (SELECT employee_id, channels_consented, enrollment_timestamp, CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END AS sign
            FROM changed_rows) s
      CROSS JOIN LATERAL (SELECT e.customer_id, e.department, e.location FROM employees e
                          WHERE e.id = s.employee_id AND e.left_at IS NULL OFFSET 0) e
    ), cells AS (
      INSERT INTO enrollment_cell_tallies
      SELECT * FROM (
        SELECT customer_id, department, location, 0, sum(sign) AS r,
          sum(sign * (channels_consented ? 'email')::int) AS a1, sum(sign * (channels_consented ? 'messaging')::int) AS a2,
          sum(sign * (channels_consented ? 'video')::int) AS a3, sum(sign * (channels_consented ? 'sms_voice')::int) AS a4
        FROM d GROUP BY 1, 2, 3) g
      WHERE (r, a1, a2, a3, a4) <> (0, 0, 0, 0, 0)
    ), links AS (
      -- A response takes the person's active links out of the pending ones (a removed response puts them back).
      INSERT INTO enrollment_link_tallies
      SELECT l.customer_id, l.expires_at, l.opened_at IS NOT NULL, l.sent_at IS NOT NULL, -sum(d.sign)
      FROM d CROSS JOIN LATERAL (SELECT l.customer_id, l.expires_at, l.opened_at, l.sent_at FROM enrollment_links l
                                 WHERE l.employee_id = d.employee_id AND l.status = 'active' OFFSET 0) l
      GROUP BY 1, 2, 3, 4 HAVING sum(d.sign) <> 0
    )
    INSERT INTO enrollment_response_tallies
    SELECT customer_id, date_bin('1 minute', enrollment_timestamp, timestamptz '2000-01-01 00:00:00+00'), sum(sign)
    FROM d GROUP BY 1, 2 HAVING sum(sign) <> 0;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE FUNCTION enrollment_tallies_on_links() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO enrollment_link_tallies
    SELECT s.customer_id, s.expires_at, s.opened_at IS NOT NULL, s.sent_at IS NOT NULL, sum(s.sign)
    FROM (SELECT customer_id, employee_id, status, expires_at, opened_at, sent_at, -1 AS sign FROM old_rows
          UNION ALL SELECT customer_id, employee_id, status, expires_at, opened_at, sent_at, 1 FROM new_rows) s
    WHERE s.status = 'active'
      AND (SELECT e.left_at IS NULL FROM employees e WHERE e.id = s.employee_id)
      AND (SELECT c.employee_id FROM employee_consent c WHERE c.employee_id = s.employee_id) IS NULL
    GROUP BY 1, 2, 3, 4 HAVING sum(s.sign) <> 0;
  ELSE
    INSERT INTO enrollment_link_tallies
    SELECT s.customer_id, s.expires_at, s.opened_at IS NOT NULL, s.sent_at IS NOT NULL,
      sum(CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END)
    FROM changed_rows s
    WHERE s.status = 'active'
      AND (SELECT e.left_at IS NULL FROM employees e WHERE e.id = s.employee_id)
      AND (SELECT c.employee_id FROM employee_consent c WHERE c.employee_id = s.employee_id) IS NULL
    GROUP BY 1, 2, 3, 4;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_insert AFTER INSERT ON "employees" REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_on_employees();--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_update AFTER UPDATE ON "employees" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_on_employees();--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_delete AFTER DELETE ON "employees" REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_on_employees();--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_insert AFTER INSERT ON "employee_consent" REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_on_consent();--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_update AFTER UPDATE ON "employee_consent" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_on_consent();--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_delete AFTER DELETE ON "employee_consent" REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_on_consent();--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_insert AFTER INSERT ON "enrollment_links" REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_on_links();--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_update AFTER UPDATE ON "enrollment_links" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_on_links();--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_delete AFTER DELETE ON "enrollment_links" REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_on_links();--> statement-breakpoint
ALTER FUNCTION enrollment_tallies_on_employees() OWNER TO panops_dashboard;--> statement-breakpoint
ALTER FUNCTION enrollment_tallies_on_consent() OWNER TO panops_dashboard;--> statement-breakpoint
ALTER FUNCTION enrollment_tallies_on_links() OWNER TO panops_dashboard;--> statement-breakpoint
REVOKE ALL ON FUNCTION enrollment_tallies_on_employees(), enrollment_tallies_on_consent(), enrollment_tallies_on_links()
  FROM PUBLIC;--> statement-breakpoint
-- A TRUNCATE would leave the tallies counting people who are gone; nothing in the product truncates these tables.
CREATE FUNCTION enrollment_tallies_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% cannot be truncated: the dashboard tallies count its rows', TG_TABLE_NAME
    USING ERRCODE = 'feature_not_supported';
END
$$;--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_no_truncate BEFORE TRUNCATE ON "employees"
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_no_truncate();--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_no_truncate BEFORE TRUNCATE ON "employee_consent"
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_no_truncate();--> statement-breakpoint
CREATE TRIGGER enrollment_tallies_no_truncate BEFORE TRUNCATE ON "enrollment_links"
  FOR EACH STATEMENT EXECUTE FUNCTION enrollment_tallies_no_truncate();--> statement-breakpoint
-- Backfill from the counts. The migrating role owns these tables; lifting FORCE for the copy lets it see every
-- tenant.
ALTER TABLE "employees" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "employee_consent" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollment_links" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollment_cell_tallies" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollment_link_tallies" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollment_response_tallies" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
INSERT INTO enrollment_cell_tallies SELECT * FROM enrollment_cell_counts;--> statement-breakpoint
INSERT INTO enrollment_link_tallies SELECT * FROM enrollment_link_counts;--> statement-breakpoint
INSERT INTO enrollment_response_tallies SELECT * FROM enrollment_response_counts;--> statement-breakpoint
ALTER TABLE "employees" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "employee_consent" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollment_links" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollment_cell_tallies" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollment_link_tallies" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrollment_response_tallies" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- People search: the trigram index for ILIKE, with the tenant applied here (see panops_dashboard above): up to
-- p_limit of the current tenant's current employees whose name or email matches the pattern, ids only.
CREATE FUNCTION search_current_employees(p_pattern text, p_limit integer) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public ROWS 100 AS $$
  SELECT e.id FROM public.employees e
  WHERE e.customer_id = nullif(current_setting('app.customer_id', true), '')::uuid AND e.left_at IS NULL
    AND (e.display_name || ' ' || e.email) ILIKE p_pattern -- the index's expression; then exactly:
    AND (e.display_name ILIKE p_pattern OR e.email ILIKE p_pattern)
  LIMIT p_limit
$$;--> statement-breakpoint
ALTER FUNCTION search_current_employees(text, integer) OWNER TO panops_dashboard;--> statement-breakpoint
REVOKE ALL ON FUNCTION search_current_employees(text, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION search_current_employees(text, integer) TO panops_app;
