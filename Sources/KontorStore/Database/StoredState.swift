import KontorCore
import PostgresNIO

/// A state enum of KontorCore as the store writes it into SQL: its raw value is the column's
/// text. (The enums are `Codable`, so PostgresNIO's `RawRepresentable` coding would clash
/// with its JSON coding; rows are read as text and mapped with `init(rawValue:)`.)
public protocol StoredState: RawRepresentable, Sendable where RawValue == String {}

extension InvoiceStatus: StoredState {}
extension SubscriptionStatus: StoredState {}
extension PaymentStatus: StoredState {}
extension PaymentMethodStatus: StoredState {}
extension ChargeIntentStatus: StoredState {}
extension WebhookEndpointStatus: StoredState {}
extension DeliveryStatus: StoredState {}
extension Dispute.Status: StoredState {}
extension PaymentPlan.Status: StoredState {}
extension BankTransaction.Status: StoredState {}
extension SEPAScheme: StoredState {}
extension SEPASequenceType: StoredState {}
extension SEPADebitRecord.Status: StoredState {}
extension SEPABatchRecord.Status: StoredState {}

extension PostgresQuery.StringInterpolation {
    /// A state as an SQL literal (`'open'`): typed where it is written, yet a constant in the
    /// statement, so a partial index (`WHERE status = 'open'`) and `ON CONFLICT … WHERE` still
    /// match it. The raw values are Swift constants of lowercase letters and underscores.
    public mutating func appendInterpolation(state: some StoredState) {
        precondition(state.rawValue.allSatisfy { $0 == "_" || ("a"..."z").contains($0) }, "a state is an identifier")
        appendInterpolation(unescaped: "'\(state.rawValue)'")
    }
}

extension StoredState {
    /// The state a row holds. A value outside the enum (the schema's CHECK refuses it) means
    /// the schema and the code disagree: a StoreError, never a guess.
    static func stored(_ raw: String) throws -> Self {
        guard let state = Self(rawValue: raw) else {
            throw StoreError.invalidConfiguration("unknown \(Self.self) '\(raw)' in the database")
        }
        return state
    }
}
