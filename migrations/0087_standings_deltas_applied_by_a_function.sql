-- The points deltas of the standings update trigger (0084) as a function of their own, so a
-- rescore in passes can apply the deltas of what it wrote without the trigger: the trigger keeps
-- every old and new row of an update in transition tables and joins them again to find what
-- moved, while the rescore knows it from its own update (each row's points before and after),
-- so it defers the trigger and passes the deltas here, in the same transaction, once its writes
-- are visible. Deltas are per member, cycle year and category of counted contributions inside
-- the cycle; the (member, year) pairs of `full_members` and `full_years` are recomputed from
-- their contributions instead (standings_refresh), as are the members' years a delta would
-- make a row appear or disappear in.
create function standings_apply_deltas(
  delta_members integer[], delta_years integer[], delta_categories text[], delta_points numeric[],
  full_members integer[], full_years integer[]
) returns void
language plpgsql as $$
declare
  low_members integer[];
  low_years integer[];
  expected integer;
  found integer;
begin
  if delta_members is not null then
    with deltas as (
      select d.m, d.y, d.c, d.p
      from unnest(delta_members, delta_years, delta_categories, delta_points) as d(m, y, c, p)
      left join (select distinct m, y from unnest(full_members, full_years) as f(m, y)) f on f.m = d.m and f.y = d.y
      where f.m is null
    ),
    per_member as (
      select m, y, sum(p) as total,
             coalesce(sum(p) filter (where c = 'code'), 0) as code,
             coalesce(sum(p) filter (where c = 'content'), 0) as content,
             coalesce(sum(p) filter (where c = 'events'), 0) as events,
             coalesce(sum(p) filter (where c = 'documentation'), 0) as documentation,
             coalesce(sum(p) filter (where c = 'education'), 0) as education,
             coalesce(sum(p) filter (where c = 'leadership'), 0) as leadership
      from deltas group by m, y
    ),
    moves as (
      select m, y, 'all'::text as c, total as p, code, content, events, documentation, education, leadership from per_member
      union all
      select m, y, c, p, 0, 0, 0, 0, 0, 0 from deltas
    ),
    moved as (
      update member_standings s
      set points = s.points + r.p, code = s.code + r.code, content = s.content + r.content, events = s.events + r.events,
          documentation = s.documentation + r.documentation, education = s.education + r.education, leadership = s.leadership + r.leadership
      from (select * from moves order by m, y, c) r
      where s.member_id = r.m and s.cycle_year = r.y and s.category = r.c
      returning s.member_id as m, s.cycle_year as y, s.category as c, s.points
    )
    select e.n, f.n, l.ms, l.ys into expected, found, low_members, low_years
    from (select count(*)::int as n from moves) e,
         (select count(*)::int as n from moved) f,
         (select array_agg(v.m) as ms, array_agg(v.y) as ys from moved v where v.c <> 'all' and v.points <= 0) l;

    -- A category row left at zero or below disappears: the member's year is recomputed.
    full_members := full_members || low_members;
    full_years := full_years || low_years;
    -- Each move updates at most one row (by key) and no two moves share one: fewer rows than
    -- moves means a row the delta would make appear. Those members' years are recomputed too.
    if found < expected then
      select full_members || array_agg(d.m), full_years || array_agg(d.y) into full_members, full_years
      from unnest(delta_members, delta_years, delta_categories) as d(m, y, c)
      left join member_standings s on s.member_id = d.m and s.cycle_year = d.y and s.category = d.c
      left join member_standings a on a.member_id = d.m and a.cycle_year = d.y and a.category = 'all'
      where s.member_id is null or a.member_id is null;
    end if;
  end if;

  if full_members is not null then
    perform standings_refresh(full_members, full_years);
  end if;
end
$$;
alter function standings_apply_deltas(integer[], integer[], text[], numeric[], integer[], integer[]) set enable_hashjoin = off;
alter function standings_apply_deltas(integer[], integer[], text[], numeric[], integer[], integer[]) set enable_mergejoin = on;

-- The update trigger: what moved, from its transition tables, then the function above.
create or replace function standings_after_contributions_update() returns trigger
language plpgsql as $$
declare
  delta_members integer[];
  delta_years integer[];
  delta_categories text[];
  delta_points numeric[];
  full_members integer[];
  full_years integer[];
begin
  -- Points-only changes of counted rows in the cycle: summed per member, year and category.
  with changed as (
    select n.member_id, n.occurred_at, n.category, n.points - o.points as delta
    from standings_old o join standings_new n on n.id = o.id
    where o.review_state = 'counted' and n.review_state = 'counted'
      and o.member_id = n.member_id and o.occurred_at = n.occurred_at and o.category = n.category and o.points <> n.points
  ),
  dated as (
    select c.member_id, extract(year from c.occurred_at at time zone 'UTC')::int as y, c.category, c.delta, c.occurred_at from changed c
  ),
  -- The cycle's bounds inline (arithmetic per row): a function per row costs more than the rest.
  bounded as (
    select d.*, (make_date(d.y, sc.start_month, 1)
                   + (least(sc.start_day, extract(day from make_date(d.y, sc.start_month, 1) + interval '1 month' - interval '1 day')::int) - 1))::timestamp
                  at time zone 'UTC' as from_at,
                (make_date(d.y, sc.end_month, 1)
                   + least(sc.end_day, extract(day from make_date(d.y, sc.end_month, 1) + interval '1 month' - interval '1 day')::int))::timestamp
                  at time zone 'UTC' as until_at
    from dated d cross join standings_cycle sc
  )
  select array_agg(d.member_id), array_agg(d.y), array_agg(d.category), array_agg(d.delta)
  into delta_members, delta_years, delta_categories, delta_points
  from (select d.member_id, d.y, d.category, sum(d.delta) as delta
        from bounded d
        where d.occurred_at >= d.from_at and d.occurred_at < d.until_at
        group by d.member_id, d.y, d.category
        having sum(d.delta) <> 0) d;

  -- Every other change recomputes the member's year.
  select array_agg(k.m), array_agg(k.y) into full_members, full_years
  from (
    select v.m, extract(year from v.at at time zone 'UTC')::int as y
    from standings_old o join standings_new n on n.id = o.id
    cross join lateral (values (o.member_id, o.occurred_at, o.review_state), (n.member_id, n.occurred_at, n.review_state)) as v(m, at, state)
    where (o.review_state = 'counted' or n.review_state = 'counted')
      and (o.member_id, o.occurred_at, o.category, o.review_state) is distinct from (n.member_id, n.occurred_at, n.category, n.review_state)
      and v.state = 'counted'
    group by 1, 2
  ) k;

  if delta_members is not null or full_members is not null then
    perform standings_apply_deltas(delta_members, delta_years, delta_categories, delta_points, full_members, full_years);
  end if;
  return null;
end
$$;

-- (create or replace dropped the function's settings: both stated again)
alter function standings_after_contributions_update() set enable_hashjoin = off;
alter function standings_after_contributions_update() set enable_mergejoin = on;
