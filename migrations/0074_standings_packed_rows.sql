-- Every ranked member in one read: the 'all' rows carry the member's handle and name and their
-- leaderboard row as JSON text (a generated column), and a covering index in ranking order
-- holds that text, so a whole year's list is an index-only scan that concatenates stored text
-- (no join with members, no per-row formatting). A rescore's first scoring may defer the
-- update trigger (ambassador.standings_deferred, set in the same transaction by
-- store/rescore.ts, which rebuilds the standings of the members it scored in that transaction).

alter table member_standings add column handle text not null default '', add column name text not null default '';
update member_standings s set handle = m.handle, name = m.name from members m where m.id = s.member_id;

-- What a leaderboard row shows: member id, handle, name, points, contributions, last counted
-- contribution (as toISOString() writes it), then the six category sums. Declared immutable:
-- its result depends only on its arguments (the instant is formatted in UTC).
create function standings_packed(
  member_id integer, handle text, name text, points numeric, contributions integer, last_at timestamptz,
  code numeric, content numeric, events numeric, documentation numeric, education numeric, leadership numeric
) returns text
language sql immutable parallel safe as $$
  -- Compact (no spaces, numbers without trailing zeros): the text a whole year's list ships.
  select '[' || member_id || ',' || to_json(handle)::text || ',' || to_json(name)::text || ',' || trim_scale(points) || ',' || contributions
         || ',"' || to_char(last_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",' || trim_scale(code) || ',' || trim_scale(content)
         || ',' || trim_scale(events) || ',' || trim_scale(documentation) || ',' || trim_scale(education) || ',' || trim_scale(leadership) || ']'
$$;

alter table member_standings add column packed text generated always as (
  case when category = 'all' then standings_packed(member_id, handle, name, points, contributions, last_counted_at,
                                                  code, content, events, documentation, education, leadership) end
) stored;

create index member_standings_all_ranked on member_standings
  (cycle_year, points desc, categories_with_points desc, contributions desc, last_counted_at, handle_key)
  include (packed)
  where listed and category = 'all';
-- The 'all' rows rank by that index: the category index leaves them out (one index fewer to
-- write for each 'all' row a contribution moves).
drop index member_standings_rank;
create index member_standings_rank on member_standings
  (cycle_year, category, points desc, categories_with_points desc, contributions desc, last_counted_at, handle_key)
  where listed and category <> 'all';

-- Per member, cycle year and category, the counted totals: what standings rows are made of.
create type standings_category_total as (
  member_id integer, cycle_year integer, category text, points numeric, contributions integer, last_at timestamptz
);

-- The member_standings rows (insert column order of standings_refresh) of such totals: the
-- member's 'all' row with the six sums, and one row per category with points.
create function standings_rows_of(totals standings_category_total[])
returns table (
  member_id integer, cycle_year integer, category text, points numeric, categories_with_points integer, contributions integer,
  last_counted_at timestamptz, handle_key text, code numeric, content numeric, events numeric, documentation numeric,
  education numeric, leadership numeric, listed boolean, handle text, name text
)
language sql stable as $$
  with by_category as (select * from unnest(totals)),
  totals as (
    select b.member_id, b.cycle_year, sum(b.points) as points, sum(b.contributions)::int as contributions, max(b.last_at) as last_at,
           count(*) filter (where b.points > 0)::int as breadth,
           coalesce(sum(b.points) filter (where b.category = 'code'), 0) as code,
           coalesce(sum(b.points) filter (where b.category = 'content'), 0) as content,
           coalesce(sum(b.points) filter (where b.category = 'events'), 0) as events,
           coalesce(sum(b.points) filter (where b.category = 'documentation'), 0) as documentation,
           coalesce(sum(b.points) filter (where b.category = 'education'), 0) as education,
           coalesce(sum(b.points) filter (where b.category = 'leadership'), 0) as leadership
    from by_category b group by b.member_id, b.cycle_year
  )
  select t.member_id, t.cycle_year, 'all', t.points, t.breadth, t.contributions, t.last_at, lower(m.handle),
         t.code, t.content, t.events, t.documentation, t.education, t.leadership, m.state = 'registered' and not m.is_bot, m.handle, m.name
  from totals t join members m on m.id = t.member_id
  union all
  select b.member_id, b.cycle_year, b.category, b.points, 1, b.contributions, b.last_at, lower(m.handle),
         0, 0, 0, 0, 0, 0, m.state = 'registered' and not m.is_bot, m.handle, m.name
  from by_category b join members m on m.id = b.member_id
  where b.points > 0
$$;

create or replace function standings_refresh(member_ids integer[], years integer[]) returns void
language plpgsql as $$
begin
  delete from member_standings s
  using (select distinct m, y from unnest(member_ids, years) as u(m, y)) k
  where s.member_id = k.m and s.cycle_year = k.y;
  insert into member_standings
    (member_id, cycle_year, category, points, categories_with_points, contributions, last_counted_at, handle_key,
     code, content, events, documentation, education, leadership, listed, handle, name)
  with pairs as (
    select distinct m, y from unnest(member_ids, years) as u(m, y) where m is not null and y is not null
  ),
  bounds as (
    select y.y, b.from_at, b.until_at from (select distinct y from pairs) y cross join lateral standings_cycle_bounds(y.y) b
  ),
  keys as (
    select p.m as member_id, p.y as cycle_year, b.from_at, b.until_at from pairs p join bounds b on b.y = p.y
  ),
  by_category as (
    select k.member_id, k.cycle_year, c.category, sum(c.points) as points, count(*)::int as contributions, max(c.occurred_at) as last_at
    from keys k
    join contributions c on c.member_id = k.member_id and c.occurred_at >= k.from_at and c.occurred_at < k.until_at
    where c.review_state = 'counted'
    group by k.member_id, k.cycle_year, c.category
  )
  select r.* from standings_rows_of(array(
    select row(b.member_id, b.cycle_year, b.category, b.points, b.contributions, b.last_at)::standings_category_total from by_category b)) r;
end
$$;

-- A handle, name, suspension, withdrawal or bot flag changes what a row shows, who is listed
-- and how ties break.
create or replace function standings_after_members_update() returns trigger
language plpgsql as $$
begin
  update member_standings s
  set handle_key = lower(n.handle), listed = (n.state = 'registered' and not n.is_bot), handle = n.handle, name = n.name
  from standings_new n join standings_old o on o.id = n.id
  where s.member_id = n.id and (o.handle, o.name, o.state, o.is_bot) is distinct from (n.handle, n.name, n.state, n.is_bot);
  return null;
end
$$;

-- The update trigger, skipped while a rescore that rebuilds the standings of what it scores has
-- deferred it (transaction-local setting).
drop trigger standings_contributions_update on contributions;
create trigger standings_contributions_update after update on contributions
  referencing old table as standings_old new table as standings_new for each statement
  when (coalesce(current_setting('ambassador.standings_deferred', true), '') <> 'on')
  execute function standings_after_contributions_update();

-- A rescore writes with hash and merge joins off (store/rescore.ts); the standings triggers
-- join transition tables, which want them.
alter function standings_after_contributions_update() set enable_hashjoin = on;
alter function standings_after_contributions_update() set enable_mergejoin = on;
alter function standings_after_contributions_insert() set enable_hashjoin = on;
alter function standings_after_contributions_insert() set enable_mergejoin = on;
alter function standings_after_contributions_delete() set enable_hashjoin = on;
alter function standings_after_contributions_delete() set enable_mergejoin = on;
