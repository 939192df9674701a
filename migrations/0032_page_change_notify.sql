-- Every process keeps a small cache of public pages. A write to a table those pages read
-- notifies every listening process (LISTEN ambassador_pages), whichever instance or command
-- made it, so a page changed through one instance is fresh on all of them. Statement-level:
-- a sync that stores a thousand contributions in one statement sends one notification, and
-- PostgreSQL folds identical ones of a transaction into one, delivered at commit.
create function ambassador_notify_page_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('ambassador_pages', tg_table_name);
  return null;
end;
$$;

create trigger members_page_change after insert or update or delete on members for each statement execute function ambassador_notify_page_change();
create trigger identities_page_change after insert or update or delete on identities for each statement execute function ambassador_notify_page_change();
create trigger contributions_page_change after insert or update or delete on contributions for each statement execute function ambassador_notify_page_change();
create trigger status_changes_page_change after insert or update or delete on status_changes for each statement execute function ambassador_notify_page_change();
create trigger award_snapshots_page_change after insert or update or delete on award_snapshots for each statement execute function ambassador_notify_page_change();
create trigger erasures_page_change after insert or update or delete on erasures for each statement execute function ambassador_notify_page_change();
