import Foundation
import KontorCore
import Logging
import PostgresNIO

/// The tables of the tax-audit export (GoBD Z3), each as CSV lines made by the database:
/// `;` between fields, text in double quotes (doubled inside), amounts as decimals with a
/// comma (minor units / 100), dates DD.MM.YYYY. Each spec names its columns for `index.xml`.
public struct AuditExportRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public enum Kind: Sendable { case text, amount, date, integer }

    public struct Spec: Sendable {
        public let file: String
        public let name: String
        public let description: String
        public let primaryKey: Int
        public let columns: [(name: String, kind: Kind, description: String, sql: String)]
        public let foreignKeys: [(column: String, table: String)]
        /// FROM and WHERE after the tenant, with `$2` and `$3` the first and last day.
        let from: String
        let order: String
    }

    static func t(_ e: String) -> String { "coalesce('\"' || replace(\(e)::text, '\"', '\"\"') || '\"', '')" }
    /// Every column renders NULL as an empty field: one NULL would otherwise turn the whole
    /// concatenated line into NULL (a tiered line has no unit amount).
    static func a(_ e: String) -> String {
        "coalesce(replace(to_char((\(e)) / 100.0, 'FM999999999999990.00'), '.', ','), '')"
    }
    static func d(_ e: String) -> String { "coalesce(to_char(\(e), 'DD.MM.YYYY'), '')" }
    static func i(_ e: String) -> String { "coalesce((\(e))::text, '')" }

    public static let specs: [Spec] = [
        Spec(
            file: "debitoren.csv", name: "Debitoren", description: "Kunden (Stammdaten), Stand zum Exportzeitpunkt",
            primaryKey: 1,
            columns: [
                ("kunde", .text, "Kunden-ID", t("c.customer_id")),
                ("debitorennummer", .integer, "Debitorenkonto (10000 + laufende Nummer)", i("10000 + c.seq % 60000")),
                ("name", .text, "Name", t("c.name")), ("art", .text, "business oder consumer", t("c.kind")),
                ("land", .text, "Land (ISO 3166)", t("c.country")), ("ust_id", .text, "USt-IdNr.", t("c.tax_id")),
                ("angelegt", .date, "Angelegt am", d("c.created_at::date")),
            ], foreignKeys: [], from: "customers c WHERE c.tenant_id = $1 AND $2::date <= $3::date", order: "c.seq"),
        Spec(
            file: "rechnungen.csv", name: "Rechnungsausgangsbuch",
            description: "Ausgangsrechnungen und Forderungsposten mit Rechnungsdatum im Zeitraum", primaryKey: 1,
            columns: [
                ("rechnung", .text, "Rechnungs-ID", t("i.invoice_id")),
                ("nummer", .text, "Rechnungsnummer", t("i.number")),
                ("kunde", .text, "Kunden-ID", t("i.customer_id")),
                ("art", .text, "Anlass (billing_reason)", t("i.billing_reason")),
                ("rechnungsdatum", .date, "Rechnungsdatum", d("i.issue_date")),
                ("faellig", .date, "Fälligkeit", d("i.due_date")),
                ("leistung_von", .date, "Leistungszeitraum von", d("i.period_start")),
                ("leistung_bis", .date, "Leistungszeitraum bis (ausschließlich)", d("i.period_end")),
                ("waehrung", .text, "Währung", t("i.currency")), ("netto", .amount, "Nettobetrag", a("i.subtotal")),
                ("steuer", .amount, "Umsatzsteuer", a("i.tax")), ("brutto", .amount, "Bruttobetrag", a("i.total")),
                ("steuerfall", .text, "Steuerliche Behandlung", t("i.tax_treatment")),
                ("ust_id_kunde", .text, "USt-IdNr. des Kunden", t("i.buyer_vat_id")),
                ("status", .text, "Zahlungsstatus zum Exportzeitpunkt", t("i.status")),
            ], foreignKeys: [("kunde", "debitoren")],
            from: "invoices i WHERE i.tenant_id = $1 AND i.issue_date BETWEEN $2 AND $3", order: "i.seq"),
        Spec(
            file: "rechnungspositionen.csv", name: "Rechnungspositionen",
            description: "Positionen der Rechnungen im Zeitraum", primaryKey: 2,
            columns: [
                ("rechnung", .text, "Rechnungs-ID", t("l.invoice_id")),
                ("position", .integer, "Positionsnummer", i("l.line_no")),
                ("beschreibung", .text, "Beschreibung", t("l.description")),
                ("menge", .amount, "Menge", a("l.quantity / 10.0")),
                ("einzelpreis", .amount, "Einzelpreis netto", a("l.unit_amount")),
                ("betrag", .amount, "Betrag netto", a("l.amount")),
                ("steuersatz", .amount, "Steuersatz in Prozent", a("l.tax_rate")),
                ("steuer", .amount, "Umsatzsteuer", a("l.tax_amount")),
            ], foreignKeys: [("rechnung", "rechnungen")],
            from: """
                invoice_lines l JOIN invoices i ON i.tenant_id = l.tenant_id AND i.invoice_id = l.invoice_id
                WHERE l.tenant_id = $1 AND i.issue_date BETWEEN $2 AND $3
                """, order: "i.seq, l.line_no"),
        Spec(
            file: "gutschriften.csv", name: "Gutschriften", description: "Rechnungskorrekturen im Zeitraum",
            primaryKey: 1,
            columns: [
                ("gutschrift", .text, "Gutschrift-ID", t("n.credit_note_id")),
                ("nummer", .text, "Nummer", t("n.number")),
                ("rechnung", .text, "Korrigierte Rechnung", t("n.invoice_id")),
                ("kunde", .text, "Kunden-ID", t("n.customer_id")), ("grund", .text, "Grund", t("n.reason")),
                ("datum", .date, "Datum", d("n.issue_date")), ("waehrung", .text, "Währung", t("n.currency")),
                ("netto", .amount, "Nettobetrag", a("n.subtotal")), ("steuer", .amount, "Umsatzsteuer", a("n.tax")),
                ("brutto", .amount, "Bruttobetrag", a("n.total")),
            ], foreignKeys: [("rechnung", "rechnungen"), ("kunde", "debitoren")],
            from: "credit_notes n WHERE n.tenant_id = $1 AND n.issue_date BETWEEN $2 AND $3", order: "n.seq"),
        Spec(
            file: "buchungen.csv", name: "Buchungsjournal",
            description:
                "Alle Buchungen (doppelte Buchführung, Soll positiv, Haben negativ) mit Buchungsdatum im Zeitraum",
            primaryKey: 1,
            columns: [
                ("buchung", .integer, "Laufende Buchungsnummer", i("e.entry_id")),
                ("buchungsdatum", .date, "Buchungsdatum", d("e.booking_date")),
                ("beleg_art", .text, "Belegart", t("e.document_type")),
                ("beleg", .text, "Beleg-ID", t("e.document_id")),
                ("belegnummer", .text, "Belegnummer", t("e.document_number")),
                ("kunde", .text, "Kunden-ID", t("e.customer_id")), ("konto", .text, "Konto", t("e.account")),
                ("betrag", .amount, "Betrag (Soll +, Haben −)", a("e.amount")),
                ("waehrung", .text, "Währung", t("e.currency")),
                (
                    "erfasst", .text, "Erfasst am (UTC)",
                    t("to_char(e.posted_at AT TIME ZONE 'UTC', 'DD.MM.YYYY HH24:MI:SS')")
                ),
            ], foreignKeys: [("kunde", "debitoren")],
            from: "ledger_entries e WHERE e.tenant_id = $1 AND e.booking_date BETWEEN $2 AND $3", order: "e.entry_id"),
        Spec(
            file: "zuordnungen.csv", name: "Zahlungszuordnungen",
            description: "Zuordnungen von Zahlungen, Gutschriften und Ausbuchungen zu offenen Posten im Zeitraum",
            primaryKey: 1,
            columns: [
                ("zuordnung", .integer, "Laufende Nummer", i("z.allocation_id")),
                ("rechnung", .text, "Offener Posten", t("z.invoice_id")),
                ("kunde", .text, "Kunden-ID", t("z.customer_id")),
                ("art", .text, "payment, payment_return, credit_note, customer_credit, write_off", t("z.kind")),
                ("quelle", .text, "Zahlung, Gutschrift oder Posten", t("z.source_id")),
                ("betrag", .amount, "Betrag", a("z.amount")), ("waehrung", .text, "Währung", t("z.currency")),
                ("buchungsdatum", .date, "Buchungsdatum", d("z.booking_date")),
            ], foreignKeys: [("rechnung", "rechnungen"), ("kunde", "debitoren")],
            from: "allocations z WHERE z.tenant_id = $1 AND z.booking_date BETWEEN $2 AND $3", order: "z.allocation_id"),
    ]

    /// The CSV of `spec` for the tenant and period: a header line, then one line per row, CRLF.
    public func csv(_ spec: Spec, from: LocalDate, to: LocalDate, tenantID: String, on conn: PostgresConnection)
        async throws -> [UInt8]
    {
        var out = Array((spec.columns.map(\.name).joined(separator: ";") + "\r\n").utf8)
        let line = spec.columns.map(\.sql).joined(separator: " || ';' || ")
        var bindings = PostgresBindings()
        bindings.append(tenantID)
        bindings.append(from)
        bindings.append(to)
        let query = PostgresQuery(
            unsafeSQL: "SELECT \(line) FROM \(spec.from) ORDER BY \(spec.order)", binds: bindings)
        let rows = try await conn.query(query, logger: logger.forQuery)
        for try await text in rows.decode(String.self) {
            out += Array(text.utf8)
            out += [13, 10]
        }
        return out
    }
}
