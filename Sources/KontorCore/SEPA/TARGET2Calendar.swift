/// The TARGET2 (T2) calendar on which SEPA direct debits settle: every day is a business day
/// except Saturdays, Sundays, New Year's Day (1 January), Good Friday, Easter Monday, Labour Day
/// (1 May), Christmas Day (25 December) and 26 December. A collection date that falls on a closed
/// day moves to the next business day (EPC SDD Core Rulebook, "Banking Business Day").
///
/// Easter follows the Gregorian computus (the anonymous algorithm of Meeus/Jones/Butcher), valid
/// for every year `LocalDate` can hold.
public enum TARGET2Calendar {
    /// Easter Sunday of `year` in the Gregorian calendar.
    public static func easterSunday(_ year: Int) -> LocalDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)!
    }

    /// The closing days of `year` that are not weekends anyway (some of them may be).
    public static func holidays(_ year: Int) -> [LocalDate] {
        let easter = easterSunday(year)
        return [
            LocalDate(year: year, month: 1, day: 1)!,
            easter.adding(days: -2),
            easter.adding(days: 1),
            LocalDate(year: year, month: 5, day: 1)!,
            LocalDate(year: year, month: 12, day: 25)!,
            LocalDate(year: year, month: 12, day: 26)!,
        ]
    }

    /// Monday = 1 … Sunday = 7 (ISO 8601). 1970-01-01 was a Thursday.
    public static func isoWeekday(_ date: LocalDate) -> Int {
        let n = (date.dayNumber + 3) % 7
        return (n < 0 ? n + 7 : n) + 1
    }

    public static func isBusinessDay(_ date: LocalDate) -> Bool {
        isoWeekday(date) <= 5 && !holidays(date.year).contains(date)
    }

    /// `date` itself when it is a business day, else the first business day after it.
    public static func businessDay(onOrAfter date: LocalDate) -> LocalDate {
        var day = date
        // At most five closed days in a row (Good Friday to Easter Monday; 24/25/26 Dec + weekend).
        while !isBusinessDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// The `count`-th business day after `date` (`count` ≥ 0; 0 is `businessDay(onOrAfter:)`).
    public static func businessDay(_ count: Int, after date: LocalDate) -> LocalDate {
        var day = businessDay(onOrAfter: date)
        for _ in 0..<count { day = businessDay(onOrAfter: day.adding(days: 1)) }
        return day
    }
}
