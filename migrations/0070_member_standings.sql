-- Maintained standings: per member, cycle year and category ('all' or one of the six), the
-- counted points and the tie-break facts, kept in step with contributions and members by
-- statement-level triggers in the same transaction as every write. Leaderboards, profile
-- ranks, badges, awards drafts and the API read from here instead of aggregating the year.
-- `ambassador standings verify` compares this table with a recomputation from contributions.

-- The award cycle the table is built for (MM-DD bounds inside one calendar year, days clamped
-- to the month as domain/awards.ts awardCycle does). setStandingsCycle() changes it and rebuilds.
create table standings_cycle (
  singleton boolean primary key default true check (singleton),
  start_month integer not null check (start_month between 1 and 12),
  start_day integer not null check (start_day between 1 and 31),
  end_month integer not null check (end_month between 1 and 12),
  end_day integer not null check (end_day between 1 and 31)
);
insert into standings_cycle (start_month, start_day, end_month, end_day) values (1, 1, 12, 31);

create table member_standings (
  member_id integer not null references members (id) on delete cascade,
  cycle_year integer not null,
  -- 'all' for the overall leaderboard; a category's row exists only when it has points.
  category text not null check (category in ('all', 'code', 'content', 'events', 'documentation', 'education', 'leadership')),
  -- What the row ranks by: the member's total, or the category's points.
  points numeric(14, 2) not null,
  -- The tie-breaks (domain/leaderboard.ts compareStandings), of the member's whole cycle.
  categories_with_points integer not null,
  contributions integer not null,
  last_counted_at timestamptz not null,
  handle_key text collate "C" not null,
  -- The member's points per category in the cycle (what a leaderboard row shows).
  code numeric(14, 2) not null,
  content numeric(14, 2) not null,
  events numeric(14, 2) not null,
  documentation numeric(14, 2) not null,
  education numeric(14, 2) not null,
  leadership numeric(14, 2) not null,
  -- Registered and not a bot: who leaderboards rank.
  listed boolean not null,
  primary key (member_id, cycle_year, category)
);
-- "Top N of a year (and category)" and a page further down, straight from the index.
create index member_standings_rank on member_standings
  (cycle_year, category, points desc, categories_with_points desc, contributions desc, last_counted_at, handle_key)
  where listed;

-- The instants a cycle year covers, [from, until).
create function standings_cycle_bounds(y integer, out from_at timestamptz, out until_at timestamptz)
language sql stable as $$
  select (make_date(y, c.start_month, 1)
            + (least(c.start_day, extract(day from make_date(y, c.start_month, 1) + interval '1 month' - interval '1 day')::int) - 1))::timestamp
           at time zone 'UTC',
         (make_date(y, c.end_month, 1)
            + least(c.end_day, extract(day from make_date(y, c.end_month, 1) + interval '1 month' - interval '1 day')::int))::timestamp
           at time zone 'UTC'
  from standings_cycle c
$$;

-- Recomputes the standings of the given (member, cycle year) pairs from contributions: exact,
-- and as cheap as those members' contributions of those years (index contributions_member_time).
create function standings_refresh(member_ids integer[], years integer[]) returns void
language plpgsql as $$
begin
  delete from member_standings s
  using (select distinct m, y from unnest(member_ids, years) as u(m, y)) k
  where s.member_id = k.m and s.cycle_year = k.y;
  insert into member_standings
    (member_id, cycle_year, category, points, categories_with_points, contributions, last_counted_at, handle_key,
     code, content, events, documentation, education, leadership, listed)
  with keys as (
    select k.m as member_id, k.y as cycle_year, b.from_at, b.until_at
    from (select distinct m, y from unnest(member_ids, years) as u(m, y) where m is not null and y is not null) k
    cross join lateral standings_cycle_bounds(k.y) b
  ),
  totals as (
    select k.member_id, k.cycle_year, sum(c.points) as points, count(*)::int as contributions, max(c.occurred_at) as last_at,
           coalesce(sum(c.points) filter (where c.category = 'code'), 0) as code,
           coalesce(sum(c.points) filter (where c.category = 'content'), 0) as content,
           coalesce(sum(c.points) filter (where c.category = 'events'), 0) as events,
           coalesce(sum(c.points) filter (where c.category = 'documentation'), 0) as documentation,
           coalesce(sum(c.points) filter (where c.category = 'education'), 0) as education,
           coalesce(sum(c.points) filter (where c.category = 'leadership'), 0) as leadership
    from keys k
    join contributions c on c.member_id = k.member_id and c.occurred_at >= k.from_at and c.occurred_at < k.until_at
    where c.review_state = 'counted'
    group by k.member_id, k.cycle_year
  ),
  facts as (
    select t.*, m.handle, m.state = 'registered' and not m.is_bot as listed,
           (t.code > 0)::int + (t.content > 0)::int + (t.events > 0)::int + (t.documentation > 0)::int
             + (t.education > 0)::int + (t.leadership > 0)::int as breadth
    from totals t join members m on m.id = t.member_id
  )
  select f.member_id, f.cycle_year, v.category, v.points, f.breadth, f.contributions, f.last_at, lower(f.handle),
         f.code, f.content, f.events, f.documentation, f.education, f.leadership, f.listed
  from facts f
  cross join lateral (values ('all', f.points), ('code', f.code), ('content', f.content), ('events', f.events),
                             ('documentation', f.documentation), ('education', f.education), ('leadership', f.leadership)) as v(category, points)
  where v.category = 'all' or v.points > 0;
end
$$;

create function standings_after_contributions_insert() returns trigger
language plpgsql as $$
begin
  perform standings_refresh(array_agg(d.member_id), array_agg(d.y))
  from (select distinct member_id, extract(year from occurred_at at time zone 'UTC')::int as y
        from standings_new where review_state = 'counted') d
  having count(*) > 0;
  return null;
end
$$;

create function standings_after_contributions_update() returns trigger
language plpgsql as $$
begin
  -- Only rows whose points, state, date, category or member changed move a standing
  -- (a rescore that rewrites explanations only, or a title edit, costs nothing here).
  perform standings_refresh(array_agg(d.member_id), array_agg(d.y))
  from (
    select o.member_id, extract(year from o.occurred_at at time zone 'UTC')::int as y
    from standings_old o join standings_new n on n.id = o.id
    where o.review_state = 'counted'
      and (o.member_id, o.occurred_at, o.category, o.points, o.review_state) is distinct from (n.member_id, n.occurred_at, n.category, n.points, n.review_state)
    union
    select n.member_id, extract(year from n.occurred_at at time zone 'UTC')::int
    from standings_old o join standings_new n on n.id = o.id
    where n.review_state = 'counted'
      and (o.member_id, o.occurred_at, o.category, o.points, o.review_state) is distinct from (n.member_id, n.occurred_at, n.category, n.points, n.review_state)
  ) d
  having count(*) > 0;
  return null;
end
$$;

create function standings_after_contributions_delete() returns trigger
language plpgsql as $$
begin
  perform standings_refresh(array_agg(d.member_id), array_agg(d.y))
  from (select distinct member_id, extract(year from occurred_at at time zone 'UTC')::int as y
        from standings_old where review_state = 'counted') d
  having count(*) > 0;
  return null;
end
$$;

create trigger standings_contributions_insert after insert on contributions
  referencing new table as standings_new for each statement execute function standings_after_contributions_insert();
create trigger standings_contributions_update after update on contributions
  referencing old table as standings_old new table as standings_new for each statement execute function standings_after_contributions_update();
create trigger standings_contributions_delete after delete on contributions
  referencing old table as standings_old for each statement execute function standings_after_contributions_delete();

-- A handle, suspension, withdrawal or bot flag changes who is listed and how ties break.
create function standings_after_members_update() returns trigger
language plpgsql as $$
begin
  update member_standings s
  set handle_key = lower(n.handle), listed = (n.state = 'registered' and not n.is_bot)
  from standings_new n join standings_old o on o.id = n.id
  where s.member_id = n.id and (o.handle, o.state, o.is_bot) is distinct from (n.handle, n.state, n.is_bot);
  return null;
end
$$;

create trigger standings_members_update after update on members
  referencing old table as standings_old new table as standings_new for each statement execute function standings_after_members_update();

-- The standings of what is already recorded.
select standings_refresh(array_agg(d.member_id), array_agg(d.y))
from (select distinct member_id, extract(year from occurred_at at time zone 'UTC')::int as y
      from contributions where review_state = 'counted') d
having count(*) > 0;
