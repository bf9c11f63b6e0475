import Foundation
import KontorCore
import KontorStore
import NIOCore

/// The open-item list of `GET /v1/reports/open_items`, streamed: rows go out in chunks of about
/// 64 KiB as PostgreSQL sends them, so a million items need no more memory than a few chunks.
///
/// Invariant: the rows and the ledger balance they are reconciled with come from one
/// read-only snapshot (REPEATABLE READ), so the totals at the end describe exactly the rows
/// sent. JSON carries `items` first and `totals` last (object keys have no order; the totals are
/// known only when the last row is read); CSV is the same columns as before.
extension ReportService {
    public enum StreamFormat: Sendable { case json, csv }

    /// The day a report as of `asOf` (nil: the tenant's today) is for.
    public func reportDay(_ asOf: LocalDate?, tenant: Tenant) async throws -> LocalDate {
        if let asOf { return asOf }
        return try await operations.read(tenant) { try await $0.today() }
    }

    /// Writes the open items as of `day` to `write`, chunk by chunk.
    public func streamOpenItems(
        asOf day: LocalDate, customerID: String?, format: StreamFormat, tenant: Tenant,
        write: (ByteBuffer) async throws -> Void
    ) async throws {
        // One snapshot (never retried: rows may have gone out), on the replica when it has caught up.
        try await database.report { conn in
            var out = ByteBuffer()
            out.reserveCapacity(Self.chunk + 1024)
            switch format {
            case .json: out.writeString(#"{"object":"open_item_report","as_of":"\#(day)","items":["#)
            case .csv:
                out.writeString(
                    "as_of,invoice,number,customer,customer_name,issue_date,due_date,currency,total,open,days_past_due,bucket,handed_over\r\n"
                )
            }
            var totals: [String: AgingTotals] = [:]
            var first = true
            let asOf = day.description
            try await openItems.asOf(day, tenantID: tenant.id, customerID: customerID, on: conn) { row in
                let item = row.item
                let days = item.daysPastDue(on: day)
                totals[item.currency, default: AgingTotals()].add(open: item.open, daysPastDue: days)
                switch format {
                case .json:
                    if !first { out.writeStaticString(",") }
                    first = false
                    Self.writeJSON(row, daysPastDue: days, to: &out)
                case .csv: Self.writeCSV(row, asOf: asOf, daysPastDue: days, to: &out)
                }
                if out.readableBytes >= Self.chunk {
                    try await write(out)
                    out.clear()
                }
            }
            if format == .json {
                let ledger =
                    customerID == nil
                    ? try await openItems.ledgerBalance(account: .receivable, asOf: day, tenantID: tenant.id, on: conn)
                    : [:]
                let summary = try KontorJSON.encode(Self.totals(totals, ledger: ledger, checked: customerID == nil))
                out.writeStaticString(#"],"totals":"#)
                out.writeBytes(summary)
                out.writeStaticString("}")
            }
            if out.readableBytes > 0 { try await write(out) }
        }
    }

    static let chunk = 64 * 1024

    /// One item as the encoder wrote `ItemJSON` (sorted keys; no `customer_name` without a name).
    static func writeJSON(_ row: OpenItemRepository.Row, daysPastDue days: Int, to out: inout ByteBuffer) {
        let item = row.item
        out.writeStaticString(#"{"bucket":""#)
        out.writeString(AgingBucket(daysPastDue: days).rawValue)
        out.writeStaticString(#"","currency":""#)
        JSONText.write(item.currency, to: &out)
        out.writeStaticString(#"","customer":""#)
        JSONText.write(item.customerID, to: &out)
        out.writeStaticString("\"")
        if let name = row.customerName {
            out.writeStaticString(#","customer_name":""#)
            JSONText.write(name, to: &out)
            out.writeStaticString("\"")
        }
        out.writeString(#","days_past_due":\#(max(0, days)),"due_date":"\#(item.dueDate)","#)
        out.writeString(#""handed_over":\#(row.handedOver),"invoice":""#)
        JSONText.write(item.id, to: &out)
        out.writeString(#"","issue_date":"\#(item.issueDate)","number":""#)
        JSONText.write(item.number, to: &out)
        out.writeString(#"","open":\#(item.open),"total":\#(item.total)}"#)
    }

    /// One item as a CSV line (the columns of the header).
    static func writeCSV(_ row: OpenItemRepository.Row, asOf: String, daysPastDue days: Int, to out: inout ByteBuffer) {
        let item = row.item
        let fields = [
            asOf, item.id, item.number, item.customerID, row.customerName ?? "", item.issueDate.description,
            item.dueDate.description, item.currency, "\(item.total)", "\(item.open)", "\(max(0, days))",
            AgingBucket(daysPastDue: days).rawValue, row.handedOver ? "true" : "false",
        ]
        out.writeString(fields.map(ReportCSV.field).joined(separator: ","))
        out.writeStaticString("\r\n")
    }
}

/// JSON string contents (without the quotes), escaped as RFC 8259 requires.
enum JSONText {
    static func write(_ s: String, to out: inout ByteBuffer) {
        var plain = true
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C {
            plain = false
            break
        }
        guard !plain else {
            out.writeString(s)
            return
        }
        for b in s.utf8 {
            switch b {
            case 0x22: out.writeStaticString("\\\"")
            case 0x5C: out.writeStaticString("\\\\")
            case 0x0A: out.writeStaticString("\\n")
            case 0x0D: out.writeStaticString("\\r")
            case 0x09: out.writeStaticString("\\t")
            case 0..<0x20: out.writeString(String(format: "\\u%04x", b))
            default: out.writeInteger(b)
            }
        }
    }
}
