import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorDocuments
import KontorEngine

/// The OP-Liste: open items as of a key date with filters, a page of 50 at a time, the
/// filtered totals (reconciled to the receivable account when unfiltered), CSV and PDF.
extension ConsoleRoutes {
    static let pdfLimit = 5000

    @Sendable func openItemsPage(_ request: Request, context: KontorRequestContext) async throws -> Response {
        guard let s = try await session(request) else { return redirect("/console/login") }
        let fields = Self.fields(request)
        var (filter, errors) = OpenItemFilter.parse(fields)
        var asOf: LocalDate?
        if let raw = fields["as_of"], !raw.isEmpty {
            asOf = LocalDate(raw)
            if asOf == nil { errors.append(FieldError(field: "as_of", message: "must be a date YYYY-MM-DD")) }
        }
        var cursor: OpenItemCursor?
        if let raw = fields["after"] {
            cursor = Self.cursor(raw)
            if cursor == nil { errors.append(FieldError(field: "after", message: "is not a page of this list")) }
        }
        let format = fields["format"] ?? "html"
        if !["html", "csv", "pdf"].contains(format) {
            errors.append(FieldError(field: "format", message: "must be html, csv or pdf"))
        }
        if !errors.isEmpty {
            filter = OpenItemFilter()
            var c = frame(s, title: "OP-Liste")
            c["has_errors"] = true
            c["errors"] = errors.map { "\($0.field): \($0.message)" }
            c["text"] = "Bitte die Auswahl korrigieren."
            return html(.unprocessableContent, "message", c)
        }
        let page = try await engine.openItemList.page(asOf: asOf, filter: filter, after: cursor, tenant: s.tenant)
        switch format {
        case "csv": return csv(asOf: page.asOf, filter: filter, tenant: s.tenant)
        case "pdf": return try await pdf(asOf: page.asOf, filter: filter, tenant: s.tenant)
        default: break
        }
        let totals = try await engine.openItemList.totals(
            asOf: page.asOf, filter: filter, tenant: s.tenant, wait: Self.totalsWait)
        var c = frame(s, title: "OP-Liste")
        c["as_of"] = page.asOf.description
        c["as_of_text"] = DocumentLanguage.de.date(page.asOf)
        c["f_customer"] = filter.customerID ?? ""
        c["f_level"] = filter.level.map(String.init) ?? ""
        c["f_currency"] = filter.currency ?? ""
        c["d_true"] = filter.disputed == true
        c["d_false"] = filter.disputed == false
        c["buckets"] = AgingBucket.allCases.map {
            ["value": $0.rawValue, "label": Self.bucketLabel($0), "selected": filter.bucket == $0] as [String: Any]
        }
        fill(&c, totals)
        c["has_items"] = !page.items.isEmpty
        c["items"] = page.items.map { Self.row($0, asOf: page.asOf) }
        var link = Self.linkQuery(request, dropping: ["after", "format", "as_of"])
        link = (link.isEmpty ? "" : link + "&") + "as_of=\(page.asOf)"
        c["query"] = link
        if let next = page.next { c["next"] = Self.token(next) }
        return html(.ok, "open_items", c)
    }

    /// Fills a page's totals: current, stale (with when), or being computed (the page reloads).
    func fill(_ c: inout [String: Any], _ totals: OpenItemList.Totals) {
        let l = DocumentLanguage.de
        let buckets = AgingBucket.allCases
        c["bucket_names"] = buckets.map(Self.bucketLabel)
        let list: [ReportService.CurrencyTotalsJSON]
        switch totals {
        case .current(let t): list = t
        case .stale(let t, let at):
            list = t
            c["stale"] = RFC3339.string(at)
            c["refresh"] = 3
        case .computing:
            list = []
            c["computing"] = true
            c["refresh"] = 2
        }
        c["has_totals"] = !list.isEmpty
        c["totals"] = list.map { t -> [String: Any] in
            let currency = Currency(code: t.currency) ?? .eur
            return [
                "currency": t.currency, "count": t.count, "open": l.money(t.openTotal, currency),
                "open_minor": t.openTotal,
                "buckets": buckets.map { l.money(t.buckets[$0.rawValue] ?? 0, currency) },
                "reconciled": t.reconciled
                    ? (t.receivableBalance == t.openTotal ? "abgestimmt" : "—")
                    : "NICHT abgestimmt (Konto \(l.money(t.receivableBalance, currency)))",
            ]
        }
    }

    static func bucketLabel(_ b: AgingBucket) -> String {
        switch b {
        case .current: "nicht fällig"
        case .days1To30: "1–30 Tage"
        case .days31To60: "31–60 Tage"
        case .days61To90: "61–90 Tage"
        case .over90: "über 90 Tage"
        }
    }

    static func row(_ i: ListedOpenItem, asOf: LocalDate) -> [String: Any] {
        let l = DocumentLanguage.de
        let item = i.item
        let currency = Currency(code: item.currency) ?? .eur
        var notes: [String] = []
        if i.disputed { notes.append("beanstandet") }
        if i.handedOver { notes.append("beim Inkasso") }
        return [
            "customer": item.customerID, "customer_name": i.customerName ?? "", "number": item.number,
            "issue_date": l.date(item.issueDate), "due_date": l.date(item.dueDate),
            "days": max(0, item.daysPastDue(on: asOf)),
            "total": l.money(item.total, currency), "open": l.money(item.open, currency), "level": i.level,
            "note": notes.joined(separator: ", "),
        ]
    }

    /// A cursor as a link token: customer~due date~sequence.
    static func token(_ c: OpenItemCursor) -> String { "\(c.customerID)~\(c.dueDate)~\(c.seq)" }

    static func cursor(_ raw: String) -> OpenItemCursor? {
        let parts = raw.split(separator: "~")
        guard parts.count == 3, parts[0].hasPrefix("cus_"), parts[0].count <= 64, let d = LocalDate(String(parts[1])),
            let seq = Int64(parts[2])
        else { return nil }
        return OpenItemCursor(customerID: String(parts[0]), dueDate: d, seq: seq)
    }

    /// The whole filtered list as CSV, streamed a page at a time.
    func csv(asOf: LocalDate, filter: OpenItemFilter, tenant: Tenant) -> Response {
        let list = engine.openItemList
        let body = ResponseBody { writer in
            var header = ByteBuffer(
                string: "customer;customer_name;invoice;number;issue_date;due_date;currency;total;open;days_past_due;"
                    + "bucket;dunning_level;disputed;handed_over\r\n")
            try await writer.write(header)
            try await list.each(asOf: asOf, filter: filter, tenant: tenant) { items in
                header.clear()
                for i in items {
                    let item = i.item
                    let days = item.daysPastDue(on: asOf)
                    header.writeString(
                        [
                            item.customerID, Self.csvText(i.customerName ?? ""), item.id, Self.csvText(item.number),
                            item.issueDate.description, item.dueDate.description, item.currency, String(item.total),
                            String(item.open), String(max(0, days)), AgingBucket(daysPastDue: days).rawValue,
                            String(i.level), i.disputed ? "true" : "false", i.handedOver ? "true" : "false",
                        ].joined(separator: ";") + "\r\n")
                }
                try await writer.write(header)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"op-liste-\(asOf).csv\"",
            ], body: body)
    }

    static func csvText(_ s: String) -> String {
        s.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// The filtered list as a PDF letter to file (at most 5,000 items: narrow the filter).
    func pdf(asOf: LocalDate, filter: OpenItemFilter, tenant: Tenant) async throws -> Response {
        var rows: [ListedOpenItem] = []
        try await engine.openItemList.each(asOf: asOf, filter: filter, tenant: tenant) { items in
            rows += items
            if rows.count > Self.pdfLimit {
                throw ValidationError(
                    field: "format",
                    message: "a PDF holds at most \(Self.pdfLimit) items: narrow the filter or take the CSV")
            }
        }
        let l = DocumentLanguage.de
        var sums: [String: Int64] = [:]
        for r in rows { sums[r.item.currency, default: 0] += r.item.open }
        let letter = Letter(
            language: l,
            sender: Letter.Sender(name: tenant.name, returnLine: tenant.name, footerColumns: []),
            recipient: [], info: [("Stichtag", l.date(asOf)), ("Posten", String(rows.count))],
            subject: "Offene-Posten-Liste zum \(l.date(asOf))",
            columns: [
                .init("Kunde", width: 60), .init("Beleg", width: 35), .init("Fällig", width: 25),
                .init("Tage", width: 15, .right), .init("Offen", width: 30, .right),
            ],
            rows: rows.map { r in
                let item = r.item
                return Letter.Row([
                    String((r.customerName ?? item.customerID).prefix(34)), item.number, l.date(item.dueDate),
                    String(max(0, item.daysPastDue(on: asOf))),
                    l.money(item.open, Currency(code: item.currency) ?? .eur),
                ])
            },
            totals: sums.keys.sorted().map { .init("Summe \($0)", l.money(sums[$0]!, Currency(code: $0) ?? .eur)) })
        let bytes = DocumentPDF().letter(letter, date: asOf)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"op-liste-\(asOf).pdf\"",
            ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
