const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (value: number) => String(value).padStart(2, '0');

/** Offset in minutes east of UTC of an RFC 3339 date-time ('Z' is 0). */
function offsetMinutes(rfc3339: string): number {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(rfc3339);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * RFC 822 date (as RSS 2.0 requires) that keeps the zone the editor gave:
 * 2026-03-01T09:30:00+09:00 → "Sun, 01 Mar 2026 09:30:00 +0900".
 */
export function rfc822(rfc3339: string): string {
  const offset = offsetMinutes(rfc3339);
  const local = new Date(Date.parse(rfc3339) + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const zone = `${sign}${two(Math.floor(Math.abs(offset) / 60))}${two(Math.abs(offset) % 60)}`;
  return (
    `${DAYS[local.getUTCDay()]}, ${two(local.getUTCDate())} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ${zone}`
  );
}

/** RFC 3339 as Atom and JSON Feed carry it, keeping the editor's zone (upper-case T and Z). */
export function rfc3339(value: string): string {
  return value.toUpperCase();
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * A date-time for people, in the zone it was given in: 2026-03-09T09:30:00+09:00 → "9 March 2026,
 * 09:30 UTC+09:00"; a UTC time says "UTC". Written out here rather than by Intl, whose wording
 * changes with the ICU of each Node release.
 */
export function humanDateTime(rfc3339: string): string {
  const offset = offsetMinutes(rfc3339);
  const local = new Date(Date.parse(rfc3339) + offset * 60_000);
  const zone = offset === 0 ? 'UTC' : `UTC${offset < 0 ? '−' : '+'}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  return (
    `${local.getUTCDate()} ${MONTH_NAMES[local.getUTCMonth()]} ${local.getUTCFullYear()}, ` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())} ${zone}`
  );
}
