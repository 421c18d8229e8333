-- communication_matches (0009) returns the newest p_limit matches of a question. PostgreSQL had to choose between
-- two plans from its estimate of how many records match: walk the (customer_id, occurred_at) index backwards and
-- test each record (cheap when matches are common), or take every match from the GIN index and sort them by time
-- (cheap when they are rare). For the two-word combinations Signal asks for, that estimate multiplies the words'
-- frequencies as if they were independent; words that travel together ("launch" … "on track") then match ten times
-- more records than estimated, and the plan chosen fetched 45,000 records to keep 500 (190 ms instead of 27 ms).
--
-- So the function measures instead of guessing. It tests the newest PROBE records in scope; if that did not fill the
-- limit, the share that matched says how many more records the walk would have to test. Up to MAX_WALK (on this
-- project's machine ~2.5 µs a record, against ~2 µs a match plus the index scan for the GIN plan) it walks on through
-- a window a quarter larger than that and decides again, so a topic that was only hot last week does not send it
-- through years of records; beyond, the GIN index answers the rest, restricted to records older than those tested. Windows are cut at a
-- timestamp found on the index alone (the PROBE-th newest), so records sharing it are never split between windows:
-- the result is exactly the newest p_limit matches, as before. With an employee filter (departments) the planner
-- keeps choosing, as the walk would pass mostly other people's records.
CREATE OR REPLACE FUNCTION communication_matches(
  p_query tsquery, p_channels text[], p_from timestamptz, p_to timestamptz, p_employee_ids uuid[], p_limit integer
) RETURNS TABLE (id uuid, occurred_at timestamptz, fts_config regconfig, fts tsvector)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
DECLARE
  probe constant integer := 2000;
  max_walk constant integer := 10000;
  v_tenant uuid := nullif(current_setting('app.customer_id', true), '')::uuid;
  v_limit integer := least(greatest(p_limit, 0), 5000);
  -- $1 tenant, $2 query, $3 channels, $4 from, $5 to, $6 employees, $7 limit, $8 window start, $9 window end
  v_select text := 'SELECT c.id, c.occurred_at, c.fts_config, c.fts FROM public.communications c WHERE c.customer_id = $1';
  v_time text := '';
  v_filters text := '';
  v_found integer := 0;
  v_rows integer;
  v_tested bigint := 0;
  v_window integer := probe;
  v_start timestamptz;
  v_end timestamptz := NULL;
BEGIN
  IF v_tenant IS NULL OR v_limit = 0 THEN
    RETURN;
  END IF;
  IF p_from IS NOT NULL THEN v_time := v_time || ' AND c.occurred_at >= $4'; END IF;
  IF p_to IS NOT NULL THEN v_time := v_time || ' AND c.occurred_at < $5'; END IF;
  IF p_channels IS NOT NULL THEN v_filters := v_filters || ' AND c.channel = ANY ($3)'; END IF;

  IF p_employee_ids IS NOT NULL THEN
    RETURN QUERY EXECUTE v_select || v_time || v_filters || ' AND c.employee_id = ANY ($6) AND c.fts @@ $2'
      || ' ORDER BY c.occurred_at DESC LIMIT $7'
      USING v_tenant, p_query, p_channels, p_from, p_to, p_employee_ids, v_limit;
    RETURN;
  END IF;

  LOOP
    -- The window's oldest timestamp: the v_window-th newest record before v_end (index only). None: the rest.
    EXECUTE 'SELECT c.occurred_at FROM public.communications c WHERE c.customer_id = $1' || v_time
      || CASE WHEN v_end IS NULL THEN '' ELSE ' AND c.occurred_at < $9' END
      || ' ORDER BY c.occurred_at DESC OFFSET $8 LIMIT 1'
      INTO v_start USING v_tenant, NULL::tsquery, NULL::text[], p_from, p_to, NULL::uuid[], NULL::integer, v_window - 1, v_end;
    -- ts_match_vq is @@ in function form: PostgreSQL cannot hand it to the GIN index, so this walks the window.
    RETURN QUERY EXECUTE v_select || v_time || v_filters
      || CASE WHEN v_start IS NULL THEN '' ELSE ' AND c.occurred_at >= $8' END
      || CASE WHEN v_end IS NULL THEN '' ELSE ' AND c.occurred_at < $9' END
      || ' AND ts_match_vq(c.fts, $2) ORDER BY c.occurred_at DESC LIMIT $7'
      USING v_tenant, p_query, p_channels, p_from, p_to, NULL::uuid[], v_limit - v_found, v_start, v_end;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    v_found := v_found + v_rows;
    v_tested := v_tested + v_window;
    EXIT WHEN v_found >= v_limit OR v_start IS NULL;
    v_end := v_start;
    -- Records still to test at the share seen so far, to find the matches still missing.
    v_window := ceil((v_limit - v_found) * v_tested / greatest(v_found, 0.5))::integer;
    IF v_window > max_walk THEN
      -- Rare: the index finds the remaining matches among the older records.
      RETURN QUERY EXECUTE v_select || v_time || v_filters || ' AND c.occurred_at < $9 AND c.fts @@ $2'
        || ' ORDER BY c.occurred_at DESC LIMIT $7'
        USING v_tenant, p_query, p_channels, p_from, p_to, NULL::uuid[], v_limit - v_found, NULL::timestamptz, v_end;
      RETURN;
    END IF;
    -- Common enough: walk on, a little further than that says, then decide again.
    v_window := greatest(probe, v_window + v_window / 4);
  END LOOP;
END
$fn$;
