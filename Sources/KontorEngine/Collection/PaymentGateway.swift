import Foundation
import KontorCore
import KontorStore

/// A charge to make: an invoice's amount on a payment method, with an idempotency key the PSP
/// must honour (the same key never charges twice).
public struct ChargeRequest: Sendable {
    public let idempotencyKey: String
    public let amount: Int64
    public let currency: String
    public let paymentMethod: PaymentMethod
    public let now: Date
    public let today: LocalDate
}

/// What the PSP answered.
public enum ChargeOutcome: Sendable, Equatable {
    /// Charged. A later reversal the PSP already knows of (sandbox: chargeback, SEPA return).
    case succeeded(reference: String, reversal: Reversal?)
    case declined(code: String, kind: DeclineKind)

    public struct Reversal: Sendable, Equatable {
        public let on: LocalDate
        public let reason: String
    }
}

extension ChargeOutcome {
    public var succeeded: Bool {
        if case .succeeded = self { return true }
        return false
    }
}

/// The gateway for each mode. Test mode charges through the sandbox; live mode only through a
/// configured PSP — never the sandbox. Without one, a live charge fails with
/// `live_gateway_not_configured` (hard: not retried) and an error in the log.
public struct PaymentGateways: Sendable {
    public let test: any PaymentGateway
    public let live: (any PaymentGateway)?

    public init(test: any PaymentGateway = SandboxGateway(), live: (any PaymentGateway)? = nil) {
        self.test = test
        self.live = live
    }

    public static let sandboxOnly = PaymentGateways()
    public static let notConfigured = "live_gateway_not_configured"

    public func gateway(livemode: Bool) -> (any PaymentGateway)? { livemode ? live : test }
}

/// The payment service provider. One implementation per PSP; the sandbox ships built in.
public protocol PaymentGateway: Sendable {
    func charge(_ request: ChargeRequest) async throws -> ChargeOutcome
}

/// The built-in sandbox: deterministic by token or mandate reference, driven by the tenant's
/// clock (the `today` of the request). Test values (also in the README):
///
/// | card token / mandate reference | outcome |
/// |---|---|
/// | anything else | succeeds |
/// | `tok_insufficient_funds` | declined `insufficient_funds` (soft: retried) |
/// | `tok_expired_card`, `tok_stolen_card` | declined `expired_card` / `stolen_card` (hard: never retried) |
/// | `tok_chargeback_<N>` | succeeds, charged back N days later (`fraudulent`) |
/// | mandate `…RETURN-AM04` / `…RETURN-MD06` / `…RETURN-AC04` | succeeds, returned 3 days later with that reason code |
public struct SandboxGateway: PaymentGateway {
    public init() {}

    public func charge(_ request: ChargeRequest) async throws -> ChargeOutcome {
        let reference = "sbx_" + request.idempotencyKey
        switch request.paymentMethod.kind {
        case .card:
            let token = request.paymentMethod.card?.token ?? ""
            switch token {
            case "tok_insufficient_funds": return .declined(code: "insufficient_funds", kind: .soft)
            case "tok_expired_card": return .declined(code: "expired_card", kind: .hard)
            case "tok_stolen_card": return .declined(code: "stolen_card", kind: .hard)
            default:
                if token.hasPrefix("tok_chargeback_"), let days = Int(token.dropFirst("tok_chargeback_".count)) {
                    return .succeeded(
                        reference: reference,
                        reversal: .init(on: request.today.adding(days: days), reason: "fraudulent")
                    )
                }
                return .succeeded(reference: reference, reversal: nil)
            }
        case .sepaDebit:
            let mandate = request.paymentMethod.sepaDebit?.mandateReference ?? ""
            for code in ["AM04", "MD06", "AC04"] where mandate.hasSuffix("RETURN-\(code)") {
                return .succeeded(
                    reference: reference, reversal: .init(on: request.today.adding(days: 3), reason: code))
            }
            return .succeeded(reference: reference, reversal: nil)
        case .bankTransfer:
            return .declined(code: "not_chargeable", kind: .hard)
        }
    }
}
