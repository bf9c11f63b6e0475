/// Whether a customer buys as a business (B2B: reverse charge, §288 BGB +9 points) or as a
/// consumer (B2C: taxed at their country's rate, +5 points).
public enum CustomerKind: String, Sendable, CaseIterable, Codable {
    case business
    case consumer
}
