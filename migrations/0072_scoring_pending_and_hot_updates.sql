-- Rescore writes stay on their page (HOT updates) and unscored rows are found without an index
-- on a column a rescore changes.
--
-- An index whose columns or predicate include rules_version makes every rescored row a new
-- entry in every index of the table: the unscored rows are listed by member instead, by the
-- insert trigger, in the same transaction as the rows.
drop index if exists contributions_unscored;

create table scoring_pending (
  member_id integer primary key references members (id) on delete cascade
);
insert into scoring_pending (member_id) select distinct member_id from contributions where rules_version = '';

create or replace function standings_after_contributions_insert() returns trigger
language plpgsql as $$
begin
  insert into scoring_pending (member_id)
  select distinct member_id from standings_new where rules_version = ''
  on conflict do nothing;
  perform standings_refresh(array_agg(d.member_id), array_agg(d.y))
  from (select distinct member_id, extract(year from occurred_at at time zone 'UTC')::int as y
        from standings_new where review_state = 'counted') d
  having count(*) > 0;
  return null;
end
$$;

-- Room on each page for the new version of a rescored row (applies to pages written from now on).
alter table contributions set (fillfactor = 85);
