-- Notifications become an outbox: a row is written first (pending), a sender leases it
-- (sending, claimed_until), sends, and settles it (sent). A failure goes back to pending with
-- next_attempt_at pushed out exponentially; after the last attempt it is failed, for the
-- console to show. A sender that dies holding a lease leaves the row to be re-sent once the
-- lease runs out.
alter table notifications drop constraint notifications_status_check;
alter table notifications add column next_attempt_at timestamptz;
alter table notifications add column claimed_until timestamptz;
-- Rows that failed before: due again now (a sender that crashed left error = 'sending').
update notifications set status = 'pending', next_attempt_at = now() where status = 'failed';
alter table notifications add constraint notifications_status_check check (status in ('pending', 'sending', 'sent', 'failed'));
alter table notifications alter column attempts set default 0;
create index notifications_due on notifications (next_attempt_at) where status in ('pending', 'sending');
