import Foundation

/// Which open items a list shows: the OP-Liste's filters. Every field is optional; an empty
/// filter is the whole list, the only one whose totals are reconciled to the ledger.
public struct OpenItemFilter: Hashable, Sendable {
    public var customerID: String?
    public var bucket: AgingBucket?
    /// The dunning level the customer's case stands at now (0: not dunned).
    public var level: Int?
    public var currency: String?
    /// Items with (true) or without (false) an open dispute.
    public var disputed: Bool?

    public init(
        customerID: String? = nil, bucket: AgingBucket? = nil, level: Int? = nil, currency: String? = nil,
        disputed: Bool? = nil
    ) {
        self.customerID = customerID
        self.bucket = bucket
        self.level = level
        self.currency = currency
        self.disputed = disputed
    }

    public var isEmpty: Bool { self == OpenItemFilter() }

    /// Reads the filter from query fields (`customer`, `bucket`, `level`, `currency`,
    /// `disputed`); an empty value is no filter. Every bad field is named.
    public static func parse(_ fields: [String: String]) -> (OpenItemFilter, [FieldError]) {
        var f = OpenItemFilter()
        var errors: [FieldError] = []
        func value(_ name: String) -> String? {
            guard let v = fields[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        if let c = value("customer") {
            if c.hasPrefix("cus_"), c.count <= 64,
                c.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            {
                f.customerID = c
            } else {
                errors.append(FieldError(field: "customer", message: "must be a customer id (cus_…)"))
            }
        }
        if let b = value("bucket") {
            if let bucket = AgingBucket(rawValue: b) {
                f.bucket = bucket
            } else {
                let names = AgingBucket.allCases.map(\.rawValue).joined(separator: ", ")
                errors.append(FieldError(field: "bucket", message: "must be one of \(names)"))
            }
        }
        if let l = value("level") {
            if let n = Int(l), (0...10).contains(n) {
                f.level = n
            } else {
                errors.append(FieldError(field: "level", message: "must be a dunning level from 0 to 10"))
            }
        }
        if let c = value("currency") {
            if let currency = Currency(code: c.uppercased()) {
                f.currency = currency.code
            } else {
                errors.append(FieldError(field: "currency", message: "must be an ISO 4217 code"))
            }
        }
        if let d = value("disputed") {
            switch d {
            case "true", "yes", "1": f.disputed = true
            case "false", "no", "0": f.disputed = false
            default: errors.append(FieldError(field: "disputed", message: "must be true or false"))
            }
        }
        return (f, errors)
    }
}

extension AgingBucket {
    /// The due dates of the items in this bucket as of `day`: from and through, inclusive;
    /// nil is open-ended.
    public func dueDates(asOf day: LocalDate) -> (from: LocalDate?, through: LocalDate?) {
        switch self {
        case .current: (day, nil)
        case .days1To30: (day.adding(days: -30), day.adding(days: -1))
        case .days31To60: (day.adding(days: -60), day.adding(days: -31))
        case .days61To90: (day.adding(days: -90), day.adding(days: -61))
        case .over90: (nil, day.adding(days: -91))
        }
    }
}

/// Where a page of the OP-Liste ends (customer, due date, sequence); the next starts after it.
public struct OpenItemCursor: Hashable, Sendable {
    public let customerID: String
    public let dueDate: LocalDate
    public let seq: Int64

    public init(customerID: String, dueDate: LocalDate, seq: Int64) {
        self.customerID = customerID
        self.dueDate = dueDate
        self.seq = seq
    }
}

/// One line of the OP-Liste: the item as of the key date, and what the filters look at.
public struct ListedOpenItem: Sendable {
    public let item: OpenItem
    public let customerName: String?
    public let handedOver: Bool
    public let seq: Int64
    /// The level the customer's dunning case stands at now.
    public let level: Int
    public let disputed: Bool

    public init(item: OpenItem, customerName: String?, handedOver: Bool, seq: Int64, level: Int, disputed: Bool) {
        self.item = item
        self.customerName = customerName
        self.handedOver = handedOver
        self.seq = seq
        self.level = level
        self.disputed = disputed
    }

    public var cursor: OpenItemCursor { OpenItemCursor(customerID: item.customerID, dueDate: item.dueDate, seq: seq) }
}
