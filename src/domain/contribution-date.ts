// The date of a contribution a person submits: a real calendar date (no 30 February, no year
// 0000), on or after the day they joined and not after today. The site, the API and the CLI
// all ask this one function, so a date refused in one is refused in all with the same words.
import { parseIsoDate, type IsoDate } from './dates.js';

export interface ContributionDateBounds {
  /** The person's joining day (YYYY-MM-DD). */
  joinedAt: IsoDate;
  /** Today in the program's timezone (YYYY-MM-DD). */
  today: IsoDate;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Why the text is not an acceptable contribution date, in plain words, or null when it is. */
export function contributionDateProblem(text: string, bounds: ContributionDateBounds): string | null {
  const shown = JSON.stringify(text.slice(0, 40));
  if (text.length !== 10 || text[4] !== '-' || text[7] !== '-' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return `expected a date written YYYY-MM-DD, got ${shown}`;
  }
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  if (year < 1) return `expected a real calendar date; there is no year 0000 (got ${shown})`;
  if (month < 1 || month > 12) return `expected a real calendar date; there is no month ${text.slice(5, 7)} (got ${shown})`;
  if (!parseIsoDate(text)) {
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return `expected a real calendar date; ${MONTHS[month - 1]} ${year} has ${days} days (got ${shown})`;
  }
  if (text > bounds.today) return `expected a date not after today (${bounds.today}), got ${shown}`;
  if (text < bounds.joinedAt) return `expected a date on or after the day you joined (${bounds.joinedAt}), got ${shown}`;
  return null;
}
