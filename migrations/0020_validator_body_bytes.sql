-- Validator bodies are kept as the bytes received, so a 304 replays exactly what the upstream
-- sent (a Latin-1 feed stays Latin-1 until its reader decodes it by its own declaration).
-- Bodies stored before were UTF-8 text; they convert losslessly to their UTF-8 bytes.
alter table http_validators alter column body type bytea using convert_to(body, 'UTF8');
