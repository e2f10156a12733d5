// sandlog: civil-date math — days from and to (year, month, day), ISO weeks.
// Public functions of timestamp.hpp, which includes this header; the parsers
// and the formatter build on them.
#ifndef SANDLOG_DETAIL_CALENDAR_HPP
#define SANDLOG_DETAIL_CALENDAR_HPP

#include <cstdint>

#include "../config.hpp"

namespace sandlog {

// ---------------------------------------------------------------------------
// Civil-date algorithms (proleptic Gregorian calendar), after Howard Hinnant's
// "chrono-Compatible Low-Level Date Algorithms".
//
// The trick is to start the year on March 1st: the leap day then falls at the
// very end of the year, so the day-of-year of a (month, day) no longer
// depends on whether the year is a leap year. In that shifted year the month
// lengths from March are 31 30 31 30 31 | 31 30 31 30 31 | 31 28/29: two
// identical runs of five months of 153 days, so the day-of-year of the first
// of shifted month mp (0 = March) is (153 * mp + 2) / 5. Years are grouped in
// 400-year eras of exactly 146097 days (the Gregorian cycle); within an era,
// year-of-era yoe has 365 * yoe + yoe/4 - yoe/100 days before it. 719468 is
// the number of days from 0000-03-01 to 1970-01-01.
// ---------------------------------------------------------------------------

constexpr bool is_leap_year(std::int64_t y) noexcept {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

// 28..31 for months 1..12 of year y.
constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  // Months alternate 31/30 with the phase flipping after July (m >> 3).
  return m == 2 ? (is_leap_year(y) ? 29u : 28u) : 30u + ((m ^ (m >> 3)) & 1u);
}

// Days since 1970-01-01 of the date y-m-d (m 1..12, d 1..31), any year.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;  // January and February belong to the previous March-based year
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);              // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil_date {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// The inverse of days_from_civil.
constexpr civil_date civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;                             // [1, 31]
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;                                // [1, 12]
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// ISO weekday of a day count: 1 = Monday .. 7 = Sunday (1970-01-01 was a Thursday).
constexpr unsigned iso_weekday(std::int64_t days) noexcept {
  return static_cast<unsigned>(days >= -3 ? (days + 3) % 7 : (days + 4) % 7 + 6) + 1;
}

// Days since 1970-01-01 of the Monday of ISO week 1 of ISO year y (the week
// holding January 4th).
constexpr std::int64_t iso_week1_monday(std::int64_t y) noexcept {
  const std::int64_t jan4 = days_from_civil(y, 1, 4);
  return jan4 - (iso_weekday(jan4) - 1);
}

// 52 or 53.
constexpr unsigned iso_weeks_in_year(std::int64_t y) noexcept {
  return static_cast<unsigned>((iso_week1_monday(y + 1) - iso_week1_monday(y)) / 7);
}

static_assert(days_from_civil(1970, 1, 1) == 0, "epoch");
static_assert(days_from_civil(2000, 3, 1) == 11017, "after a 400-year leap day");
static_assert(days_from_civil(1969, 12, 31) == -1, "the day before the epoch");
static_assert(days_from_civil(0, 1, 1) == -719528, "year zero");
static_assert(days_from_civil(9999, 12, 31) == 2932896, "last representable day");
static_assert(days_from_civil(2000, 2, 29) + 1 == days_from_civil(2000, 3, 1), "2000 is leap");
static_assert(days_from_civil(1900, 2, 28) + 1 == days_from_civil(1900, 3, 1), "1900 is not");
static_assert(civil_from_days(-719528).year == 0 && civil_from_days(-719528).month == 1, "");
static_assert(civil_from_days(11016).month == 2 && civil_from_days(11016).day == 29, "");
static_assert(civil_from_days(-1).year == 1969 && civil_from_days(-1).day == 31, "");
static_assert(iso_weekday(0) == 4 && iso_weekday(-1) == 3 && iso_weekday(-4) == 7, "");
static_assert(iso_weekday(days_from_civil(2026, 2, 20)) == 5, "a Friday");
static_assert(iso_weeks_in_year(2020) == 53 && iso_weeks_in_year(2026) == 53, "");
static_assert(iso_weeks_in_year(2021) == 52 && iso_weeks_in_year(2004) == 53, "");
static_assert(days_in_month(2023, 2) == 28 && days_in_month(2024, 2) == 29, "");
static_assert(days_in_month(2023, 7) == 31 && days_in_month(2023, 8) == 31, "");
static_assert(days_in_month(2023, 9) == 30 && days_in_month(2023, 12) == 31, "");

namespace detail {

constexpr std::int64_t first_day = days_from_civil(0, 1, 1);    // 0000-01-01
constexpr std::int64_t last_day = days_from_civil(9999, 12, 31);  // 9999-12-31

// civil_from_days for days since 0000-01-01 in 0000..9999, after Neri and
// Schneider (2022): the divisions of Hinnant's algorithm by era, century and
// month length become multiplications on unsigned 32-bit values. Counted from
// the March 1st of one era before year 0, so nothing is negative.
struct civil_fields {
  unsigned year, month, day;
};
SANDLOG_FORCE_INLINE civil_fields civil_from_days_0_9999(std::uint32_t days_since_0) noexcept {
  const std::uint32_t n = days_since_0 + (146097 - 60);  // 0000-01-01 is day 60 of March-based year -1
  const std::uint32_t n1 = 4 * n + 3;
  const std::uint32_t centuries = n1 / 146097;
  const std::uint32_t n2 = n1 % 146097 / 4 * 4 + 3;  // 4 * day of the century + 3
  const std::uint64_t p2 = std::uint64_t{2939745} * n2;
  const auto year_of_century = static_cast<std::uint32_t>(p2 >> 32);
  const std::uint32_t day_of_year = static_cast<std::uint32_t>(p2) / 2939745 / 4;  // from March 1st
  const std::uint32_t n3 = 2141 * day_of_year + 197913;
  const std::uint32_t jan_feb = day_of_year >= 306;
  return {100 * centuries + year_of_century + jan_feb - 400, (n3 >> 16) - 12 * jan_feb,
          (n3 & 0xFFFF) / 2141 + 1};
}

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_CALENDAR_HPP
