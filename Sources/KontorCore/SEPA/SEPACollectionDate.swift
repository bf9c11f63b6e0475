/// When a direct debit is collected.
///
/// The debtor must be told amount and date before (the pre-notification): 14 calendar days
/// unless the merchant agreed a shorter period with the debtor (EPC rulebook, § 4.5 AT-R7 /
/// the merchant's terms). The bank must have the file at least one TARGET2 business day before
/// the collection date (CORE since November 2016, and B2B). So the collection date is the latest
/// of the due date, the end of the pre-notification period and the first date the bank can
/// still honour, moved to a TARGET2 business day.
public enum SEPACollectionDate {
    public static let defaultPreNotificationDays = 14
    /// Banks take files at most this many calendar days ahead of the collection date.
    public static let maximumDaysAhead = 14

    /// The collection date of a debit announced on `notifiedOn` for an item due on `dueOn`.
    public static func collectionDate(dueOn: LocalDate, notifiedOn: LocalDate, preNotificationDays: Int)
        -> LocalDate
    {
        let earliest = Swift.max(
            dueOn, notifiedOn.adding(days: preNotificationDays), earliestForFile(sentOn: notifiedOn))
        return TARGET2Calendar.businessDay(onOrAfter: earliest)
    }

    /// The earliest collection date for a file that reaches the bank on `sentOn`: the business
    /// day after the next business day (D-1 needs a whole business day in between the cut-off
    /// and settlement; a file sent on a closed day counts from the next business day).
    public static func earliestForFile(sentOn: LocalDate) -> LocalDate {
        TARGET2Calendar.businessDay(1, after: sentOn)
    }

    /// A debit planned for `planned` that goes into a file on `sentOn`: its date as planned when
    /// the bank can still honour it, else the earliest date it can (the debtor was told of an
    /// earlier date, and a later collection never harms them).
    public static func dateInFile(planned: LocalDate, sentOn: LocalDate) -> LocalDate {
        Swift.max(planned, earliestForFile(sentOn: sentOn))
    }

    /// Whether a debit planned for `planned` belongs in a file sent on `sentOn`: it does once
    /// the bank takes files for that date (at most `maximumDaysAhead` ahead).
    public static func isDue(planned: LocalDate, sentOn: LocalDate) -> Bool {
        sentOn.days(to: planned) <= maximumDaysAhead
    }
}
