/// The SEPA direct-debit scheme a mandate was signed for. A B2B mandate is only for businesses
/// and cannot be returned as "unauthorised" by the debtor; both settle on TARGET2 days.
public enum SEPAScheme: String, Sendable, CaseIterable, Codable {
    case core = "CORE"
    case b2b = "B2B"
}

/// Whether a mandate allows one collection or a series of them.
public enum SEPAMandateKind: String, Sendable, CaseIterable, Codable {
    case recurring
    case oneOff = "one_off"
}

/// The sequence type of one collection (ISO 20022 `SeqTp`).
public enum SEPASequenceType: String, Sendable, CaseIterable, Codable, Comparable {
    case first = "FRST"
    case recurring = "RCUR"
    case final = "FNAL"
    case oneOff = "OOFF"

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What is known of a mandate when a collection is planned under it.
public struct SEPAMandateState: Sendable, Equatable {
    public var kind: SEPAMandateKind
    public var signedOn: LocalDate
    /// The collection date of the latest collection presented (even if later returned).
    public var lastCollectionOn: LocalDate?
    /// The merchant marked the next collection as the last one under this mandate.
    public var finalCollection: Bool

    public init(kind: SEPAMandateKind, signedOn: LocalDate, lastCollectionOn: LocalDate?, finalCollection: Bool = false)
    {
        self.kind = kind
        self.signedOn = signedOn
        self.lastCollectionOn = lastCollectionOn
        self.finalCollection = finalCollection
    }
}

/// The rules of a mandate's life (EPC SDD Core and B2B Rulebooks).
public enum SEPAMandateRules {
    /// A mandate lapses when no collection was presented under it for 36 months, counted from
    /// the latest collection (from the signature while there has been none).
    public static let lapseMonths = 36

    /// The first day on which the mandate may no longer be used.
    public static func lapsesOn(_ state: SEPAMandateState) -> LocalDate {
        (state.lastCollectionOn ?? state.signedOn).adding(months: lapseMonths)
    }

    public static func isLapsed(_ state: SEPAMandateState, on date: LocalDate) -> Bool {
        date >= lapsesOn(state)
    }

    /// Why a collection on `date` may not be made under the mandate, or nil when it may.
    public enum Refusal: String, Sendable, Equatable {
        /// 36 months without a collection.
        case lapsed
        /// A one-off mandate was already used.
        case used
        /// A final collection was already presented.
        case finished
        /// The collection would precede the signature.
        case notYetSigned = "not_yet_signed"
    }

    public static func refusal(_ state: SEPAMandateState, collectingOn date: LocalDate, finalPresented: Bool = false)
        -> Refusal?
    {
        if date < state.signedOn { return .notYetSigned }
        if state.kind == .oneOff, state.lastCollectionOn != nil { return .used }
        if finalPresented { return .finished }
        if isLapsed(state, on: date) { return .lapsed }
        return nil
    }

    /// The sequence type of the next collection: `OOFF` under a one-off mandate; `FRST` for the
    /// first of a series (optional in CORE since 2016, still accepted by every bank, and what the
    /// debtor's bank checks a new mandate by), `FNAL` when the merchant ends the series with it,
    /// else `RCUR`. An amendment (new IBAN, even at another bank: `SMNDA`) keeps the series
    /// going — since rulebook 2016 it no longer needs a new `FRST`.
    public static func sequenceType(_ state: SEPAMandateState) -> SEPASequenceType {
        switch state.kind {
        case .oneOff: return .oneOff
        case .recurring:
            if state.lastCollectionOn == nil { return .first }
            return state.finalCollection ? .final : .recurring
        }
    }
}

extension SEPAMandateRules {
    /// Length of the bank identifier at the start of the BBAN, for the countries where it is
    /// not four characters (DE: the Bankleitzahl; IT: CIN and ABI; FR: code banque).
    static let bankCodeLength: [String: Int] = [
        "DE": 8, "AT": 5, "CH": 5, "LI": 5, "FR": 5, "MC": 5, "IT": 6, "SM": 6, "BE": 3, "LU": 3, "PL": 3, "PT": 4,
        "NL": 4, "ES": 4, "IE": 4, "GB": 4, "FI": 3, "DK": 4, "SE": 3, "CZ": 4, "SK": 4, "SI": 5, "HR": 7, "HU": 3,
        "GR": 3, "CY": 3, "MT": 4, "EE": 2, "LV": 4, "LT": 5, "BG": 4, "RO": 4, "NO": 4, "IS": 4,
    ]

    /// Whether two IBANs are at the same bank (same country and national bank code). A mandate
    /// moved to another bank is collected with `SMNDA` ("same mandate, new debtor agent")
    /// instead of the original IBAN in its amendment information.
    public static func sameBank(_ a: String, _ b: String) -> Bool {
        let a = a.uppercased().filter { $0 != " " }
        let b = b.uppercased().filter { $0 != " " }
        guard a.prefix(2) == b.prefix(2) else { return false }
        let length = bankCodeLength[String(a.prefix(2))] ?? 4
        return a.dropFirst(4).prefix(length) == b.dropFirst(4).prefix(length)
    }
}
