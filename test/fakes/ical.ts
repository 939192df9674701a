// Calendar files as organisers publish them (Google/Meetup style ICS with VTIMEZONE, a weekly
// recurring meetup with an override and a cancelled occurrence, an all-day event, a future
// event), plus a malformed one. Served by the generic fake server.

export const meetupCalendar = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Meetup//Meetup Events v1.0//EN
CALSCALE:GREGORIAN
BEGIN:VTIMEZONE
TZID:Europe/Amsterdam
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:meetup-weekly@mage-os.example
DTSTAMP:20251201T000000Z
DTSTART;TZID=Europe/Amsterdam:20251201T190000
DTEND;TZID=Europe/Amsterdam:20251201T210000
RRULE:FREQ=WEEKLY;COUNT=10
EXDATE;TZID=Europe/Amsterdam:20251222T190000
SUMMARY:Mage-OS <b>weekly</b> meetup
LOCATION:Amsterdam
URL:https://meetup.example/mage-os/
END:VEVENT
BEGIN:VEVENT
UID:meetup-weekly@mage-os.example
DTSTAMP:20251201T000000Z
RECURRENCE-ID;TZID=Europe/Amsterdam:20251208T190000
DTSTART;TZID=Europe/Amsterdam:20251208T200000
DTEND;TZID=Europe/Amsterdam:20251208T220000
SUMMARY:Mage-OS meetup (moved an hour)
END:VEVENT
BEGIN:VEVENT
UID:meetup-weekly@mage-os.example
DTSTAMP:20251201T000000Z
RECURRENCE-ID;TZID=Europe/Amsterdam:20251229T190000
DTSTART;TZID=Europe/Amsterdam:20251229T190000
STATUS:CANCELLED
SUMMARY:Cancelled
END:VEVENT
BEGIN:VEVENT
UID:conf-2025@example.org
DTSTAMP:20251001T000000Z
DTSTART;VALUE=DATE:20251120
DTEND;VALUE=DATE:20251122
SUMMARY:Meet Magento Example 2025
END:VEVENT
BEGIN:VEVENT
UID:future@example.org
DTSTAMP:20251001T000000Z
DTSTART:20260301T100000Z
SUMMARY:Future hackathon
END:VEVENT
END:VCALENDAR
`.replace(/\n/g, '\r\n');

export const malformedCalendar = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:not-a-date\r\n';

// Real shapes the documentation-shaped calendar above lacked (written for these tests, after
// what Google, Exchange and Outlook export): a weekly series that started years ago, TZIDs
// without a VTIMEZONE (IANA and Windows names), floating times with X-WR-TIMEZONE, an event
// without UID, a moved occurrence, and the deviations that used to fail the whole file.

/** A weekly meetup since 2019 (hundreds of occurrences before the lookback window). */
export const longRunningCalendar = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Google Inc//Google Calendar 70.9054//EN
X-WR-TIMEZONE:Europe/Berlin
BEGIN:VEVENT
UID:weekly-since-2019@meetup.example
DTSTART;TZID=Europe/Berlin:20190107T190000
RRULE:FREQ=WEEKLY;BYDAY=MO
SUMMARY:Magento Stammtisch
END:VEVENT
BEGIN:VEVENT
UID:weekly-since-2019@meetup.example
RECURRENCE-ID;TZID=Europe/Berlin:20260105T190000
DTSTART;TZID=Europe/Berlin:20260106T200000
SUMMARY:Magento Stammtisch (Tuesday this time)
END:VEVENT
BEGIN:VEVENT
DTSTART:20260110T100000
SUMMARY:Hackathon without UID, floating time
END:VEVENT
BEGIN:VEVENT
UID:allday@meetup.example
DTSTART;VALUE=DATE:20260108
SUMMARY:All-day Magento Day
END:VEVENT
BEGIN:VEVENT
UID:iana-without-vtimezone@meetup.example
DTSTART;TZID=America/New_York:20260109T180000
SUMMARY:New York Magento meetup
END:VEVENT
BEGIN:VEVENT
UID:windows-zone@meetup.example
DTSTART;TZID=W. Europe Standard Time:20260112T090000
SUMMARY:Exchange-invited Magento review
END:VEVENT
BEGIN:VEVENT
UID:orphan@meetup.example
RECURRENCE-ID:20260113T090000Z
DTSTART:20260113T100000Z
SUMMARY:An instance whose series is not in the file
END:VEVENT
END:VCALENDAR
`.replace(/\n/g, '\r\n');

/** Exchange and Outlook deviations, one per event, and one event broken beyond repair. */
export const deviantCalendar = `\ufeffBEGIN:VCALENDAR
VERSION:2.0
PRODID:Microsoft Exchange Server 2010
BEGIN:VTIMEZONE
TZID:Customized Time Zone
END:VTIMEZONE
BEGIN:VEVENT
UID:exchange-byday@example.org
DTSTART;TZID=UTC:20260105T080000
RRULE:FREQ=WEEKLY;UNTIL=20260114T000000Z;BYDAY=MO, TU
SUMMARY:Exchange standup
END:VEVENT
BEGIN:VEVENT
UID:date-without-value@example.org
DTSTART:20260107
SUMMARY:Date without VALUE=DATE
END:VEVENT
BEGIN:VEVENT
UID:rdate-period@example.org
DTSTART:20260102T090000Z
RDATE;VALUE=PERIOD:20260109T090000Z/20260109T100000Z
SUMMARY:RDATE as a period
END:VEVENT
BEGIN:VEVENT
UID:broken@example.org
DTSTART:20260111T25:00:00
SUMMARY:Broken beyond repair
END:VEVENT
END:VCALENDAR
`.replace(/\n/g, '\r\n');
