import Foundation

/// CSV (RFC 4180: comma, CRLF, quotes doubled) of the reports, for `Accept: text/csv`.
public enum ReportCSV {
    /// One CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func lines(_ rows: [[String]]) -> String {
        rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    public static func openItems(_ r: ReportService.OpenItemReportJSON) -> String {
        var rows = [
            [
                "as_of", "invoice", "number", "customer", "customer_name", "issue_date", "due_date", "currency",
                "total",
                "open", "days_past_due", "bucket", "handed_over",
            ]
        ]
        for i in r.items {
            rows.append([
                r.asOf, i.invoice, i.number, i.customer, i.customerName ?? "", i.issueDate, i.dueDate, i.currency,
                "\(i.total)", "\(i.open)", "\(i.daysPastDue)", i.bucket, i.handedOver ? "true" : "false",
            ])
        }
        return lines(rows)
    }

    public static func aging(_ r: ReportService.AgingReportJSON) -> String {
        let buckets = ["current", "1_30", "31_60", "61_90", "over_90"]
        var rows = [["as_of", "customer", "customer_name", "currency"] + buckets + ["total"]]
        for c in r.customers {
            rows.append(
                [r.asOf, c.customer, c.customerName ?? "", c.currency] + buckets.map { "\(c.buckets[$0] ?? 0)" }
                    + ["\(c.total)"])
        }
        return lines(rows)
    }

    public static func dso(_ r: ReportService.DSOReportJSON) -> String {
        lines(
            [["from", "to", "currency", "receivables", "revenue", "days", "dso"]]
                + r.currencies.map {
                    [r.from, r.to, $0.currency, "\($0.receivables)", "\($0.revenue)", "\($0.days)", $0.dso ?? ""]
                })
    }

    /// The agency's hand-over file: amounts in minor units like every Kontor CSV, dates ISO 8601.
    public static func collection(_ r: ReportService.CollectionExportJSON) -> String {
        var rows = [
            [
                "handed_over_on", "invoice", "number", "billing_reason", "status", "issue_date", "due_date",
                "days_past_due", "currency", "total", "paid", "credited", "written_off", "open", "customer",
                "customer_name", "customer_kind", "email", "address_line1", "address_line2", "postal_code", "city",
                "country", "tax_id", "in_default_since", "notices", "first_notice_on", "last_notice_on", "last_level",
            ]
        ]
        for i in r.items {
            rows.append([
                i.handedOverOn, i.invoice, i.number, i.billingReason, i.status, i.issueDate, i.dueDate,
                "\(i.daysPastDue)", i.currency, "\(i.total)", "\(i.paid)", "\(i.credited)", "\(i.writtenOff)",
                "\(i.open)", i.customer, i.customerName ?? "", i.customerKind, i.email ?? "", i.addressLine1 ?? "",
                i.addressLine2 ?? "", i.postalCode ?? "", i.city ?? "", i.country ?? "", i.taxId ?? "",
                i.inDefaultSince ?? "", "\(i.notices)", i.firstNoticeOn ?? "", i.lastNoticeOn ?? "", i.lastLevel ?? "",
            ])
        }
        return lines(rows)
    }
}
