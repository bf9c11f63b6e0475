import Foundation
import KontorCore

/// Writes JSON bytes directly, for the one hot path where Foundation's `JSONEncoder` was the
/// largest cost of a billing run: the payload of every `invoice.finalized` event (measured:
/// ~50 µs per invoice with `JSONEncoder`, a few µs here). Output is byte-for-byte what
/// `KontorJSON.encode` produces when keys are written in sorted order — a test holds the two
/// to that.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Per open container: whether the next element needs a comma before it.
    private var needsComma: [Bool] = [false]

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    var data: Data { Data(bytes) }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// `"key":` — the value written next belongs to it (no comma between key and value).
    mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    mutating func string(_ value: String) {
        separate()
        writeString(value)
    }

    mutating func int(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// `key` with a value, skipped when `nil` (as `JSONEncoder` skips absent optionals).
    mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: String, _ value: Int64?) {
        guard let value else { return }
        key(name)
        int(value)
    }

    mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    /// RFC 3339 in UTC to the second, as `JSONEncoder.DateEncodingStrategy.iso8601` writes it.
    mutating func field(_ name: String, date: Date) {
        key(name)
        string(RFC3339.string(date))
    }

    private mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension InvoiceJSON {
    /// The same bytes as `KontorJSON.encode(self)`, written without `JSONEncoder`.
    public func encoded() -> Data {
        var w = JSONWriter(capacity: 1500)
        w.object { o in
            o.field("amount_credited", amountCredited)
            o.field("amount_due", amountDue)
            o.field("amount_paid", amountPaid)
            o.field("amount_written_off", amountWrittenOff)
            o.field("billing_reason", billingReason)
            Self.write(party: buyer, as: "buyer", into: &o)
            o.field("claim_invoice", claimInvoice)
            o.field("collection_method", collectionMethod)
            o.field("created_at", date: createdAt)
            o.field("currency", currency)
            o.field("customer", customer)
            o.field("due_date", dueDate)
            o.field("handed_over_at", handedOverAt)
            o.field("id", id)
            o.field("issue_date", issueDate)
            o.field("kind", kind)
            Self.write(lines: lines, into: &o)
            o.field("livemode", livemode)
            o.field("number", number)
            o.field("object", object)
            o.field("period_end", periodEnd)
            o.field("period_start", periodStart)
            Self.write(party: seller, as: "seller", into: &o)
            o.field("status", status)
            o.field("subscription", subscription)
            o.field("subtotal", subtotal)
            o.field("tax", tax)
            Self.write(taxBreakdown: taxBreakdown, into: &o)
            o.field("tax_note", taxNote)
            o.field("tax_treatment", taxTreatment)
            o.field("total", total)
        }
        return w.data
    }

    static func write(lines: [InvoiceLineJSON], into o: inout JSONWriter) {
        o.key("lines")
        o.array { a in
            for line in lines {
                a.object { l in
                    l.field("amount", line.amount)
                    l.field("charge", line.charge)
                    l.field("description", line.description)
                    l.field("period_end", line.periodEnd)
                    l.field("period_start", line.periodStart)
                    l.field("quantity", line.quantity)
                    l.field("tax_amount", line.taxAmount)
                    l.field("tax_rate", line.taxRate)
                    l.field("unit_amount", line.unitAmount)
                }
            }
        }
    }

    static func write(taxBreakdown: [TaxBreakdownJSON], into o: inout JSONWriter) {
        o.key("tax_breakdown")
        o.array { a in
            for rate in taxBreakdown {
                a.object { r in
                    r.field("net", rate.net)
                    r.field("tax", rate.tax)
                    r.field("tax_rate", rate.taxRate)
                }
            }
        }
    }

    static func write(party: PartyJSON, as name: String, into o: inout JSONWriter) {
        o.key(name)
        o.object { p in
            p.field("address", party.address)
            p.field("country", party.country)
            p.field("name", party.name)
            p.field("vat_id", party.vatId)
        }
    }
}
