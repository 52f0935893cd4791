// The calendar formats of the schemas (Python: tools/wsas/calendar_formats.py): which strings
// name a real day, month, quarter or time. A pattern cannot say that February has no 30th,
// so every date-like value carries a `format`, asserted here for Ajv.

const DATE = "(?<year>[0-9]{4})-(?<month>[0-9]{2})-(?<day>[0-9]{2})";
const TIME = "T(?<hour>[0-9]{2}):(?<minute>[0-9]{2})(?::(?<second>[0-9]{2}))?(?<zone>\\+08:00|Z)?";

// format name → [grammar, the value in Chinese, in English, the shapes it takes]
export const FORMATS = {
  "date": [DATE, "日期", "date", "YYYY-MM-DD"],
  "wsas-month": ["(?<year>[0-9]{4})-(?<month>[0-9]{2})", "月份", "month", "YYYY-MM"],
  "wsas-quarter": ["(?<year>[0-9]{4})Q(?<quarter>[0-9])", "季度", "quarter", "YYYYQn"],
  "wsas-period": ["(?<year>[0-9]{4})(?:Q(?<quarter>[0-9])|-(?<month>[0-9]{2}))?", "评估期", "period",
    "YYYY | YYYYQn | YYYY-MM"],
  "wsas-year-or-date": ["(?<year>[0-9]{4})(?:-(?<month>[0-9]{2})-(?<day>[0-9]{2}))?", "日期或年份", "year or date",
    "YYYY | YYYY-MM-DD"],
  "wsas-date-time": [`${DATE}(?:${TIME})?`, "日期或时刻", "date or date-time",
    "YYYY-MM-DD | YYYY-MM-DDThh:mm[:ss][+08:00|Z]"],
};

const GRAMMARS = Object.fromEntries(Object.entries(FORMATS).map(([name, [grammar]]) => [name, new RegExp(`^(?:${grammar})$`)]));

function daysInMonth(year, month) {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Whether `text` has the shape of `formatName` and names a real calendar point (non-strings pass). */
export function isCalendarValue(formatName, text) {
  if (typeof text !== "string") return true;
  const match = GRAMMARS[formatName].exec(text);
  if (!match) return false;
  const field = (name, otherwise) => (match.groups[name] === undefined ? otherwise : Number(match.groups[name]));
  const year = field("year", 0);
  const month = field("month", 1);
  return year >= 1 && month >= 1 && month <= 12
    && field("quarter", 1) >= 1 && field("quarter", 1) <= 4
    && field("day", 1) >= 1 && field("day", 1) <= daysInMonth(year, month)
    && field("hour", 0) <= 23 && field("minute", 0) <= 59 && field("second", 0) <= 59
    && !afterTheLastChinaDay(match.groups.zone, year, month, field("day", 1), field("hour", 0));
}

// A UTC time from 9999-12-31T16:00Z on falls on 10000-01-01 in China time, which no calendar holds.
function afterTheLastChinaDay(zone, year, month, day, hour) {
  return zone === "Z" && year === 9999 && month === 12 && day === 31 && hour >= 16;
}

/** The Chinese and English message for a value that fails `formatName`. */
export function formatMessages(formatName, shown) {
  const [, zh, en, shapes] = FORMATS[formatName];
  return [`不是日历上存在的${zh}：${shown}（形式为 ${shapes}）`, `${shown} is not a real calendar ${en} (form ${shapes})`];
}

/** Register every calendar format with an Ajv instance. */
export function addCalendarFormats(ajv) {
  for (const name of Object.keys(FORMATS)) ajv.addFormat(name, { type: "string", validate: (text) => isCalendarValue(name, text) });
  return ajv;
}
