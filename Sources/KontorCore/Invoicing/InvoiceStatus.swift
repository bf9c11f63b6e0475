/// Where an invoice (or fee item) stands. Its amounts decide it: allocations move the amounts,
/// and the status follows by `settled(owed:writtenOff:)` — the one rule `AllocationWriter`
/// applies set-based in the store.
public enum InvoiceStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Something is owed.
    case open
    /// Nothing is owed and nothing was written off.
    case paid
    /// Nothing is owed because (part of) it was written off.
    case writtenOff = "written_off"
    /// Marked uncollectible by hand (reserved: no path sets it yet).
    case uncollectible

    /// The status an invoice's amounts give: open while anything is owed, else written off when
    /// a write-off closed it, else paid.
    public static func settled(owed: Int64, writtenOff: Int64) -> InvoiceStatus {
        if owed > 0 { return .open }
        return writtenOff > 0 ? .writtenOff : .paid
    }

    /// Whether an allocation may move an invoice from this status to `next`. A payment settles
    /// (open → paid), a write-off closes (open → written off), a returned payment or chargeback
    /// re-opens (paid or written off → open); a paid invoice is never written off (nothing is
    /// owed on it) and a written-off one never becomes paid without being owed again first.
    public func canMove(to next: InvoiceStatus) -> Bool {
        switch (self, next) {
        case (.open, .paid), (.open, .writtenOff), (.paid, .open), (.writtenOff, .open): true
        case (.open, .uncollectible), (.uncollectible, .open): true
        default: self == next
        }
    }

    /// Whether anything can still be collected, disputed or credited against the open amount.
    public var isOpen: Bool { self == .open }
}
