-- A 304 Not Modified repeats only some headers; the ones a reader needs with the stored body
-- (Link for the next page, Content-Type) are kept with the validators.
alter table http_validators add column headers jsonb;
