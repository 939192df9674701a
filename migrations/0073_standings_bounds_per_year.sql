-- A first scoring moves every member's year at once: the cycle bounds once per year (or inline)
-- instead of a function call per row, one pass over the changed rows for the members to
-- recompute, and no foreign key on member_standings (a check per inserted row; the rows of a
-- member go with their contributions, through the delete trigger).
alter table member_standings drop constraint if exists member_standings_member_id_fkey;

create or replace function standings_refresh(member_ids integer[], years integer[]) returns void
language plpgsql as $$
begin
  delete from member_standings s
  using (select distinct m, y from unnest(member_ids, years) as u(m, y)) k
  where s.member_id = k.m and s.cycle_year = k.y;
  insert into member_standings
    (member_id, cycle_year, category, points, categories_with_points, contributions, last_counted_at, handle_key,
     code, content, events, documentation, education, leadership, listed)
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
  ),
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
         t.code, t.content, t.events, t.documentation, t.education, t.leadership, m.state = 'registered' and not m.is_bot
  from totals t join members m on m.id = t.member_id
  union all
  select b.member_id, b.cycle_year, b.category, b.points, 1, b.contributions, b.last_at, lower(m.handle),
         0, 0, 0, 0, 0, 0, m.state = 'registered' and not m.is_bot
  from by_category b join members m on m.id = b.member_id
  where b.points > 0;
end
$$;

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

  -- Every other change recomputes the member's year; so does a delta that would make a
  -- category row appear or disappear (its count and last contribution are not in the delta).
  select array_agg(k.m), array_agg(k.y) into full_members, full_years
  from (
    select v.m, extract(year from v.at at time zone 'UTC')::int as y
    from standings_old o join standings_new n on n.id = o.id
    cross join lateral (values (o.member_id, o.occurred_at, o.review_state), (n.member_id, n.occurred_at, n.review_state)) as v(m, at, state)
    where (o.review_state = 'counted' or n.review_state = 'counted')
      and (o.member_id, o.occurred_at, o.category, o.review_state) is distinct from (n.member_id, n.occurred_at, n.category, n.review_state)
      and v.state = 'counted'
    union
    select d.m, d.y
    from unnest(delta_members, delta_years, delta_categories, delta_points) as d(m, y, c, p)
    left join member_standings s on s.member_id = d.m and s.cycle_year = d.y and s.category = d.c
    left join member_standings a on a.member_id = d.m and a.cycle_year = d.y and a.category = 'all'
    where s.member_id is null or a.member_id is null or s.points + d.p <= 0
  ) k;

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
    )
    update member_standings s
    set points = s.points + r.p, code = s.code + r.code, content = s.content + r.content, events = s.events + r.events,
        documentation = s.documentation + r.documentation, education = s.education + r.education, leadership = s.leadership + r.leadership
    from moves r
    where s.member_id = r.m and s.cycle_year = r.y and s.category = r.c;
  end if;

  if full_members is not null then
    perform standings_refresh(full_members, full_years);
  end if;
  return null;
end
$$;

