-- Privacy and profile settings change what public pages show: every instance drops its cached
-- pages when they change, like the other tables pages read (0032).
create trigger member_settings_page_change after insert or update or delete on member_settings for each statement execute function ambassador_notify_page_change();
