/// One direct debit as it goes into a pain.008 file. Amounts are euro cents: SEPA direct debits
/// are in euro only.
public struct SEPADirectDebit: Sendable, Equatable {
    public var endToEndID: String
    public var amount: Int64
    public var collectionDate: LocalDate
    public var scheme: SEPAScheme
    public var sequenceType: SEPASequenceType
    public var mandateReference: String
    public var mandateSignedOn: LocalDate
    /// Set when the mandate changed since the last collection (amendment information, AT-24).
    public var amendment: Amendment?
    public var debtorName: String
    public var debtorIBAN: String
    public var debtorBIC: String?
    /// Unstructured remittance information: the invoice numbers.
    public var remittance: String

    /// What changed in the mandate since the last collection under it.
    public struct Amendment: Sendable, Equatable {
        /// The mandate reference collected under before (when it changed).
        public var originalMandateReference: String?
        /// The IBAN collected from before, when the new one is at the same bank.
        public var originalIBAN: String?
        /// The new IBAN is at another bank (`SMNDA`, "same mandate, new debtor agent").
        public var otherBank: Bool

        public init(originalMandateReference: String? = nil, originalIBAN: String? = nil, otherBank: Bool = false) {
            self.originalMandateReference = originalMandateReference
            self.originalIBAN = originalIBAN
            self.otherBank = otherBank
        }
    }

    public init(
        endToEndID: String, amount: Int64, collectionDate: LocalDate, scheme: SEPAScheme,
        sequenceType: SEPASequenceType, mandateReference: String, mandateSignedOn: LocalDate,
        amendment: Amendment? = nil, debtorName: String, debtorIBAN: String, debtorBIC: String? = nil,
        remittance: String
    ) {
        self.endToEndID = endToEndID
        self.amount = amount
        self.collectionDate = collectionDate
        self.scheme = scheme
        self.sequenceType = sequenceType
        self.mandateReference = mandateReference
        self.mandateSignedOn = mandateSignedOn
        self.amendment = amendment
        self.debtorName = debtorName
        self.debtorIBAN = debtorIBAN
        self.debtorBIC = debtorBIC
        self.remittance = remittance
    }
}

/// The creditor of a direct-debit file: the tenant.
public struct SEPACreditor: Sendable, Equatable {
    public var name: String
    public var iban: String
    public var bic: String?
    public var creditorID: String

    public init(name: String, iban: String, bic: String?, creditorID: String) {
        self.name = name
        self.iban = iban
        self.bic = bic
        self.creditorID = creditorID
    }
}

/// A payment-information block (`PmtInf`): the debits of one collection date, scheme and
/// sequence type, with their count and control sum.
public struct SEPAPaymentInformation: Sendable, Equatable {
    public var id: String
    public var collectionDate: LocalDate
    public var scheme: SEPAScheme
    public var sequenceType: SEPASequenceType
    public var debits: [SEPADirectDebit]

    public var controlSum: Int64 { debits.reduce(0) { $0 + $1.amount } }
}

/// A customer direct-debit initiation (pain.008): the group header's figures and the blocks.
///
/// Invariants: every debit is in exactly one block; a block holds debits of one collection date,
/// scheme and sequence type only; blocks are in (date, scheme, sequence) order; the file's count
/// and control sum are the sums over its blocks.
public struct SEPADirectDebitFile: Sendable, Equatable {
    public var messageID: String
    /// `YYYY-MM-DDThh:mm:ss`, the creation time in UTC.
    public var createdAt: String
    public var creditor: SEPACreditor
    public var blocks: [SEPAPaymentInformation]

    public init(messageID: String, createdAt: String, creditor: SEPACreditor, debits: [SEPADirectDebit]) {
        self.messageID = messageID
        self.createdAt = createdAt
        self.creditor = creditor
        let groups = Dictionary(grouping: debits) {
            GroupKey(date: $0.collectionDate, scheme: $0.scheme, sequence: $0.sequenceType)
        }
        self.blocks = groups.keys.sorted().enumerated().map { n, key in
            SEPAPaymentInformation(
                id: "\(messageID.prefix(30))-\(n + 1)", collectionDate: key.date, scheme: key.scheme,
                sequenceType: key.sequence, debits: groups[key]!.sorted { $0.endToEndID < $1.endToEndID })
        }
    }

    public var numberOfTransactions: Int { blocks.reduce(0) { $0 + $1.debits.count } }
    public var controlSum: Int64 { blocks.reduce(0) { $0 + $1.controlSum } }

    struct GroupKey: Hashable, Comparable {
        let date: LocalDate
        let scheme: SEPAScheme
        let sequence: SEPASequenceType

        static func < (a: Self, b: Self) -> Bool {
            if a.date != b.date { return a.date < b.date }
            if a.scheme != b.scheme { return a.scheme.rawValue < b.scheme.rawValue }
            return a.sequence < b.sequence
        }
    }
}
