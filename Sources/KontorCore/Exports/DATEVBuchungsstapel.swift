import Foundation

/// One booking row of a DATEV Buchungsstapel: an amount on `account` (S = debit, H = credit)
/// against `contraAccount`.
public struct DATEVBooking: Hashable, Sendable {
    /// Positive, minor units.
    public var amount: Int64
    public var debit: Bool
    public var currency: String
    public var account: Int
    public var contraAccount: Int
    /// BU-Schlüssel (tax key); empty when the contra account is an automatic VAT account.
    public var taxKey: String?
    public var documentDate: LocalDate
    /// Belegfeld 1: the invoice number, by which DATEV matches payments to open items.
    public var documentNumber: String
    public var text: String
    /// EU-Land u. USt-IdNr. (Bestimmung), for intra-EU reverse-charge supplies.
    public var euVATID: String?

    public init(
        amount: Int64, debit: Bool, currency: String, account: Int, contraAccount: Int, taxKey: String? = nil,
        documentDate: LocalDate, documentNumber: String, text: String, euVATID: String? = nil
    ) {
        self.amount = amount
        self.debit = debit
        self.currency = currency
        self.account = account
        self.contraAccount = contraAccount
        self.taxKey = taxKey
        self.documentDate = documentDate
        self.documentNumber = documentNumber
        self.text = text
        self.euVATID = euVATID
    }
}

/// The header's facts: who exports for whom, and which span.
public struct DATEVHeader: Hashable, Sendable {
    /// `YYYYMMDDHHMMSSmmm`, from the caller's clock.
    public var createdAt: String
    public var createdBy: String
    public var consultant: Int
    public var client: Int
    public var fiscalYearStart: LocalDate
    public var accountLength: Int
    public var from: LocalDate
    public var to: LocalDate
    public var label: String
    public var currency: String
    /// "03" or "04".
    public var chartOfAccounts: String

    public init(
        createdAt: String, createdBy: String, consultant: Int, client: Int, fiscalYearStart: LocalDate,
        accountLength: Int, from: LocalDate, to: LocalDate, label: String, currency: String, chartOfAccounts: String
    ) {
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.consultant = consultant
        self.client = client
        self.fiscalYearStart = fiscalYearStart
        self.accountLength = accountLength
        self.from = from
        self.to = to
        self.label = label
        self.currency = currency
        self.chartOfAccounts = chartOfAccounts
    }
}

/// DATEV format EXTF 700, category 21 (Buchungsstapel), version 13: `;`-separated, CRLF, text
/// in double quotes, decimal comma without thousands separators, amounts positive with S/H.
/// The column list is the format's first 40 columns, up to "EU-Land u. UStID"; the format
/// lets an export end after any column.
public enum DATEVBuchungsstapel {
    public static let columns = [
        "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs", "Basis-Umsatz",
        "WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel", "Belegdatum", "Belegfeld 1",
        "Belegfeld 2", "Skonto", "Buchungstext", "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank",
        "Sachverhalt", "Zinssperre", "Beleglink", "Beleginfo - Art 1", "Beleginfo - Inhalt 1", "Beleginfo - Art 2",
        "Beleginfo - Inhalt 2", "Beleginfo - Art 3", "Beleginfo - Inhalt 3", "Beleginfo - Art 4",
        "Beleginfo - Inhalt 4", "Beleginfo - Art 5", "Beleginfo - Inhalt 5", "Beleginfo - Art 6",
        "Beleginfo - Inhalt 6", "Beleginfo - Art 7", "Beleginfo - Inhalt 7", "Beleginfo - Art 8",
        "Beleginfo - Inhalt 8", "KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge", "EU-Land u. UStID",
    ]

    public static func render(header h: DATEVHeader, bookings: [DATEVBooking], minorUnits: Int = 2) -> String {
        var lines: [String] = []
        let headerFields: [String] = [
            quote("EXTF"), "700", "21", quote("Buchungsstapel"), "13", h.createdAt, "", quote("RE"),
            quote(h.createdBy), quote(""), "\(h.consultant)", "\(h.client)", compact(h.fiscalYearStart),
            "\(h.accountLength)", compact(h.from), compact(h.to), quote(String(h.label.prefix(30))), quote(""),
            "1", "0", "0", quote(h.currency), "", quote(""), "", "", quote(h.chartOfAccounts), "", "", quote(""),
            quote(""),
        ]
        lines.append(headerFields.joined(separator: ";"))
        lines.append(columns.map(quote).joined(separator: ";"))
        for b in bookings {
            var row = [String](repeating: "", count: columns.count)
            row[0] = decimal(b.amount, minorUnits: minorUnits)
            row[1] = quote(b.debit ? "S" : "H")
            row[2] = quote(b.currency)
            row[6] = "\(b.account)"
            row[7] = "\(b.contraAccount)"
            row[8] = quote(b.taxKey ?? "")
            row[9] = dayMonth(b.documentDate)
            row[10] = quote(String(b.documentNumber.prefix(36)))
            row[13] = quote(String(b.text.prefix(60)))
            row[39] = quote(b.euVATID ?? "")
            lines.append(row.joined(separator: ";"))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `123456` (minor units) → `1234,56`; no thousands separator, no sign.
    public static func decimal(_ amount: Int64, minorUnits: Int = 2) -> String {
        let a = amount.magnitude
        guard minorUnits > 0 else { return "\(a)" }
        var divisor: UInt64 = 1
        for _ in 0..<minorUnits { divisor *= 10 }
        let fraction = String(a % divisor)
        return "\(a / divisor)," + String(repeating: "0", count: minorUnits - fraction.count) + fraction
    }

    /// Belegdatum: `TTMM` (the year comes from the header's span).
    public static func dayMonth(_ d: LocalDate) -> String {
        (d.day < 10 ? "0" : "") + "\(d.day)" + (d.month < 10 ? "0" : "") + "\(d.month)"
    }

    static func compact(_ d: LocalDate) -> String { d.description.replacingOccurrences(of: "-", with: "") }

    /// Text fields in double quotes; a quote inside is doubled.
    static func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
