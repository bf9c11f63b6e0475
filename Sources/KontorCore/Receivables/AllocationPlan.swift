/// How money received is spread over a customer's open items.
///
/// Money never exceeds what an item still owes; what is left over becomes customer credit
/// (`surplus`), applied to the next invoice.
public struct AllocationPlan: Hashable, Sendable {
    public struct Share: Hashable, Sendable {
        public let itemID: String
        public let amount: Int64
        /// What the share pays of its claim: costs, interest or principal (§ 367 (1) BGB).
        public let part: ClaimPart

        public init(itemID: String, amount: Int64, part: ClaimPart = .principal) {
            self.itemID = itemID
            self.amount = amount
            self.part = part
        }
    }

    public let shares: [Share]
    public let surplus: Int64

    public init(shares: [Share], surplus: Int64) {
        self.shares = shares
        self.surplus = surplus
    }

    /// The order the law gives when the payer names no item:
    ///
    /// - across claims § 366 (2) BGB: the claim that fell due first is paid first (then the one
    ///   issued first, then by number). A claim is a principal invoice with the fee and interest
    ///   items that belong to it; it sorts by its principal (by its oldest part once the
    ///   principal is settled).
    /// - within a claim § 367 (1) BGB: costs first, then interest, then the principal.
    public static func oldestDueFirst(_ amount: Int64, over items: [OpenItem]) -> AllocationPlan {
        precondition(amount >= 0, "money received is never negative")
        let open = items.filter { $0.open > 0 }
        typealias Key = (due: LocalDate, issued: LocalDate, number: String)
        func key(_ item: OpenItem) -> Key { (item.dueDate, item.issueDate, item.number) }
        var claimKey: [String: Key] = [:]
        for item in open where item.part != .principal {
            let k = key(item)
            if let existing = claimKey[item.claimID], existing < k { continue }
            claimKey[item.claimID] = k
        }
        // The principal, when still open, places its claim.
        for item in open where item.part == .principal { claimKey[item.claimID] = key(item) }
        let ordered = open.sorted { a, b in
            let ka = claimKey[a.claimID]!
            let kb = claimKey[b.claimID]!
            if a.claimID != b.claimID {
                return (ka.due, ka.issued, ka.number, a.claimID) < (kb.due, kb.issued, kb.number, b.claimID)
            }
            return (a.part, a.dueDate, a.number) < (b.part, b.dueDate, b.number)
        }
        var left = amount
        var shares: [Share] = []
        for item in ordered where left > 0 {
            let share = min(left, item.open)
            shares.append(Share(itemID: item.id, amount: share, part: item.part))
            left -= share
        }
        return AllocationPlan(shares: shares, surplus: left)
    }

    /// The payer's own allocation, checked: each share positive, at most the item's open amount,
    /// each item once, the sum at most the amount received. Errors name `field[i].…`.
    public static func explicit(
        _ amount: Int64, shares: [(itemID: String, amount: Int64)], items: [OpenItem], field: String = "allocations"
    ) -> Result<AllocationPlan, ValidationError> {
        var errors: [FieldError] = []
        var seen: Set<String> = []
        var sum: Int64 = 0
        let byID = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, share) in shares.enumerated() {
            guard let item = byID[share.itemID] else {
                errors.append(
                    FieldError(field: "\(field)[\(i)].invoice", message: "is not an open invoice of this customer"))
                continue
            }
            if !seen.insert(share.itemID).inserted {
                errors.append(FieldError(field: "\(field)[\(i)].invoice", message: "is allocated twice"))
            }
            if share.amount <= 0 {
                errors.append(
                    FieldError(field: "\(field)[\(i)].amount", message: "must be a positive amount in minor units"))
            } else if share.amount > item.open {
                errors.append(
                    FieldError(
                        field: "\(field)[\(i)].amount",
                        message: "\(share.amount) exceeds the \(item.open) still open on invoice \(item.number)"))
            }
            // At most what is open: a refused share never makes the sum trap.
            sum += min(max(0, share.amount), item.open)
        }
        if errors.isEmpty, sum > amount {
            errors.append(
                FieldError(field: field, message: "allocate \(sum) in total, more than the \(amount) received"))
        }
        guard errors.isEmpty else { return .failure(ValidationError(errors)) }
        return .success(
            AllocationPlan(
                shares: shares.map {
                    Share(itemID: $0.itemID, amount: $0.amount, part: byID[$0.itemID]?.part ?? .principal)
                },
                surplus: amount - sum))
    }
}
