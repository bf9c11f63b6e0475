import Foundation
import KontorCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An ISO 20022 bank-to-customer statement (camt.053) or notification (camt.054), reduced to
/// what receivables need: per transaction the amount, direction, dates, references, payer,
/// remittance text, and for a return debit its reason code and the bank's fee.
public struct CamtStatement: Sendable, Equatable {
    public struct Transaction: Sendable, Equatable {
        public var amount: Int64 = 0
        public var currency = ""
        public var credit = true
        public var reversal = false
        public var bookingDate: LocalDate?
        public var valueDate: LocalDate?
        public var entryReference: String?
        public var accountServicerReference: String?
        public var endToEndID: String?
        public var mandateID: String?
        public var remittance: [String] = []
        public var payerIBAN: String?
        public var payerName: String?
        public var returnReason: String?
        public var fee: Int64?
        /// Position in the file, for a content key when the bank gives no reference.
        public var position = 0
    }

    public var format: String
    public var messageID: String?
    public var accountIBAN: String?
    public var transactions: [Transaction]

    public enum ParseError: Error, Equatable {
        case malformed(String)
    }

    /// Parses the XML; amounts become minor units of their currency (two decimals assumed
    /// unless the currency says otherwise).
    public static func parse(_ data: Data) throws -> CamtStatement {
        let delegate = CamtParserDelegate()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        parser.shouldProcessNamespaces = true
        guard parser.parse() else {
            throw ParseError.malformed(parser.parserError.map { "\($0.localizedDescription)" } ?? "not well-formed XML")
        }
        if let error = delegate.error { throw ParseError.malformed(error) }
        // A file cut off in the middle can leave a parser content with what it saw: only a
        // document whose root element closed is whole.
        guard delegate.closedRoot else {
            throw ParseError.malformed("the document ends before its root element closes: the file is cut off")
        }
        guard let namespace = delegate.namespace, let version = supportedVersions[namespace] else {
            throw ParseError.malformed(
                "the document's namespace \(delegate.namespace ?? "(none)") is not a supported version: "
                    + supportedVersions.values.sorted().joined(separator: ", "))
        }
        guard let format = delegate.format, version.hasPrefix(format) else {
            throw ParseError.malformed(
                "the document is neither camt.053 (BkToCstmrStmt) nor camt.054 (BkToCstmrDbtCdtNtfctn) as its namespace \(version) says"
            )
        }
        return CamtStatement(
            format: format, messageID: delegate.messageID, accountIBAN: delegate.accountIBAN,
            transactions: delegate.transactions)
    }

    /// The ISO 20022 versions Kontor reads, by namespace. Each is checked for what its schema
    /// makes mandatory of the elements Kontor uses (group header, account, and per entry amount
    /// with currency, credit/debit indicator, status, bank transaction code).
    public static let supportedVersions: [String: String] = Dictionary(
        uniqueKeysWithValues: ["camt.053.001.02", "camt.053.001.08", "camt.054.001.02", "camt.054.001.08"].map {
            ("urn:iso:std:iso:20022:tech:xsd:\($0)", $0)
        })

    /// `"123.45"` in `currency` → minor units; nil for anything else.
    public static func minorUnits(_ text: String, currency: String) -> Int64? {
        let digits = Currency(code: currency)?.minorUnits ?? 2
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0]), whole >= 0, parts[0].allSatisfy(\.isNumber) else {
            return nil
        }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= digits, fraction.allSatisfy(\.isNumber) else { return nil }
        fraction += String(repeating: "0", count: digits - fraction.count)
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        // A figure too large for Int64 minor units is no amount, never a trap.
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: scale)
        let (total, overflow2) = scaled.addingReportingOverflow(Int64(fraction) ?? 0)
        return overflow || overflow2 ? nil : total
    }
}

/// Collects the elements by path. An entry (`Ntry`) with several `TxDtls` gives one
/// transaction per detail when they carry their own amounts (batch booking), else one.
final class CamtParserDelegate: NSObject, XMLParserDelegate {
    var format: String?
    var messageID: String?
    var accountIBAN: String?
    var transactions: [CamtStatement.Transaction] = []
    var error: String?
    /// The root element's namespace, and whether the root element closed.
    var namespace: String?
    var closedRoot = false
    /// Mandatory elements seen: of the group header, of the statement, of the current entry.
    private var seen: Set<String> = []
    private var entrySeen: Set<String> = []

    private var path: [String] = []
    private var text = ""
    private var currencyAttribute: String?
    private var entry = CamtStatement.Transaction()
    private var details: [CamtStatement.Transaction] = []
    private var detail: CamtStatement.Transaction?
    private var detailHasAmount = false
    private var position = 0

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if path.isEmpty {
            namespace = namespaceURI
            if name != "Document" { error = "the root element is \(name), not Document" }
        }
        path.append(name)
        text = ""
        currencyAttribute = attributes["Ccy"]
        switch name {
        case "BkToCstmrStmt": format = "camt.053"
        case "BkToCstmrDbtCdtNtfctn": format = "camt.054"
        case "Ntry":
            entry = CamtStatement.Transaction()
            details = []
            entrySeen = []
        case "TxDtls":
            detail = entry
            detailHasAmount = false
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parent = path.dropLast().last ?? ""
        if parent == "Ntry" { entrySeen.insert(name) }
        if parent == "GrpHdr" || parent == "Stmt" || parent == "Ntfctn" { seen.insert("\(parent)/\(name)") }
        switch (parent, name) {
        case ("GrpHdr", "MsgId"): messageID = value
        case ("Id", "IBAN") where path.contains("Acct") && !path.contains("Ntry"): accountIBAN = value
        case ("Ntry", "Amt"), ("TxAmt", "Amt"), ("InstdAmt", "Amt"): readAmount(value, in: parent)
        case ("Ntry", "CdtDbtInd"):
            if value != "CRDT" && value != "DBIT" { error = error ?? "CdtDbtInd \(value) is neither CRDT nor DBIT" }
            entry.credit = value == "CRDT"
        case ("Ntry", "RvslInd"): entry.reversal = value == "true"
        case ("BookgDt", "Dt"), ("BookgDt", "DtTm"): entry.bookingDate = LocalDate(String(value.prefix(10)))
        case ("ValDt", "Dt"), ("ValDt", "DtTm"): entry.valueDate = LocalDate(String(value.prefix(10)))
        case ("Ntry", "NtryRef"): entry.entryReference = value
        case ("Ntry", "AcctSvcrRef"): entry.accountServicerReference = value
        case (_, "TxDtls"): closeDetail()
        case (_, "Ntry"): closeEntry()
        default: readParty(parent, name, value)
        }
        if path.count == 1 { closeDocument() }
        path.removeLast()
        text = ""
    }

    /// Sets a field of the transaction being read: the detail inside `TxDtls`, else the entry.
    private func set(_ update: (inout CamtStatement.Transaction) -> Void) {
        if detail != nil { update(&detail!) } else { update(&entry) }
    }

    /// An amount of the entry (`Ntry/Amt`) or the detail's first (`TxAmt`, else `InstdAmt`).
    private func readAmount(_ value: String, in parent: String) {
        let currency = currencyAttribute ?? ""
        guard currency.count == 3, currency.allSatisfy({ $0.isUppercase && $0.isASCII }) else {
            error = error ?? "Amt \(value) has no ISO 4217 Ccy attribute"
            return
        }
        guard let minor = CamtStatement.minorUnits(value, currency: currency) else {
            error = "Amt \(value) \(currency) is not an amount"
            return
        }
        if parent == "Ntry" {
            entry.amount = minor
            entry.currency = currency
        } else if detail != nil, !detailHasAmount {
            detail!.amount = minor
            detail!.currency = currency
            detailHasAmount = true
        }
    }

    /// References, remittance, the payer, a return's reason and the bank's charges.
    private func readParty(_ parent: String, _ name: String, _ value: String) {
        switch (parent, name) {
        case ("Refs", "AcctSvcrRef"): set { $0.accountServicerReference = value }
        case ("Refs", "EndToEndId"): set { $0.endToEndID = value == "NOTPROVIDED" ? nil : value }
        case ("Refs", "MndtId"): set { $0.mandateID = value }
        // A remittance text may legitimately carry a card number: it is kept masked (first six
        // and last four at most), never as typed.
        case ("RmtInf", "Ustrd"): set { $0.remittance.append(CardNumberGuard.masked(value)) }
        case ("Id", "IBAN") where path.contains("DbtrAcct"): set { $0.payerIBAN = value }
        case ("Dbtr", "Nm"): set { $0.payerName = value }
        case ("Pty", "Nm") where path.contains("Dbtr"): set { $0.payerName = value }
        case ("Rsn", "Cd") where path.contains("RtrInf"): set { $0.returnReason = value }
        // The bank's charges: camt.05x.001.02 gives each as Chrgs/Amt, .08 as Chrgs/Rcrd/Amt.
        case ("Rcrd", "Amt") where path.contains("Chrgs"), ("Chrgs", "Amt"):
            if let fee = CamtStatement.minorUnits(value, currency: currencyAttribute ?? "EUR") {
                set { $0.fee = ($0.fee ?? 0) + fee }
            }
        default: break
        }
    }

    private func closeDetail() {
        if var d = detail {
            if !detailHasAmount { d.amount = 0 }
            details.append(d)
        }
        detail = nil
    }

    /// An entry ends: one transaction, or one per detail when each detail has its own amount
    /// (a batch booking), numbered in file order.
    private func closeEntry() {
        let missing = ["Amt", "CdtDbtInd", "Sts", "BkTxCd"].filter { !entrySeen.contains($0) }
        if !missing.isEmpty {
            error = error ?? "entry \(position + 1) lacks \(missing.joined(separator: ", ")), which its schema requires"
        }
        let hasOwnAmounts = details.count > 1 && details.allSatisfy { $0.amount > 0 }
        let parts = hasOwnAmounts ? details : [details.first.map { merged(entry, $0) } ?? entry]
        for var t in parts {
            if hasOwnAmounts {
                t.credit = entry.credit
                t.reversal = entry.reversal
                t.bookingDate = entry.bookingDate
                t.valueDate = entry.valueDate
            }
            position += 1
            t.position = position
            transactions.append(t)
        }
    }

    private func closeDocument() {
        closedRoot = true
        let statement = format == "camt.054" ? "Ntfctn" : "Stmt"
        let missing = ["GrpHdr/MsgId", "GrpHdr/CreDtTm", "\(statement)/Id", "\(statement)/Acct"].filter {
            !seen.contains($0)
        }
        if !missing.isEmpty {
            error = error ?? "the document lacks \(missing.joined(separator: ", ")), which its schema requires"
        }
    }

    /// The entry's amount and dates with the single detail's references.
    private func merged(_ e: CamtStatement.Transaction, _ d: CamtStatement.Transaction) -> CamtStatement.Transaction {
        var t = d
        t.amount = e.amount
        t.currency = e.currency
        t.credit = e.credit
        t.reversal = e.reversal
        t.bookingDate = e.bookingDate
        t.valueDate = e.valueDate
        t.entryReference = e.entryReference
        t.accountServicerReference = d.accountServicerReference ?? e.accountServicerReference
        t.fee = d.fee ?? e.fee
        return t
    }
}
