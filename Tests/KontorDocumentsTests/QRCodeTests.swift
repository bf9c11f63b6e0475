import Foundation
import KontorCore
import KontorDocuments
import KontorTestSupport
import Testing

/// Kontor's QR encoder against python-qrcode, module by module, over every version an EPC code can
/// need and more; and the GiroCode's payload rules.
@Suite struct QRCodeTests {
    @Test func everySymbolMatchesAnIndependentEncoderModuleByModule() async throws {
        // Lengths that cross each version's capacity (1…20), text and binary bytes.
        var payloads: [[UInt8]] = [[0x41], Array("BCD\n002\n1\nSCT\n".utf8)]
        for length in stride(from: 5, through: 660, by: 13) {
            payloads.append((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) })
        }
        let codes = try payloads.map { try QRCode(bytes: $0) }
        #expect(Set(codes.map(\.version)).count >= 15, "the cases reach many versions")
        #expect(Set(codes.map(\.mask)).count >= 4, "and several masks")
        let symbols = try await QROracle.symbols(zip(payloads, codes).map { ($0, $1.version, $1.mask) })
        #expect(symbols.count == codes.count)
        for (code, symbol) in zip(codes, symbols) {
            #expect(symbol.version == code.version)
            let rows = (0..<code.size).map { y in (0..<code.size).map { code[$0, y] ? "1" : "0" }.joined() }
            #expect(rows == symbol.rows, "version \(code.version), mask \(code.mask)")
        }
    }

    @Test func aCodeTooLongForVersion20IsRefused() {
        #expect(throws: QRCode.EncodeError.tooLong(700)) { try QRCode(bytes: [UInt8](repeating: 1, count: 700)) }
    }

    @Test func aGiroCodeIsOnlyForEuroAmountsAboveZero() {
        let eur = Currency(code: "EUR")!
        #expect(
            EPCPaymentCode.payload(
                name: "Kontor GmbH", iban: "DE02 1203 0000 0000 2020 51", bic: nil, amount: 1999, currency: eur,
                remittance: "RE-1") == "BCD\n002\n1\nSCT\n\nKontor GmbH\nDE02120300000000202051\nEUR19.99\n\n\nRE-1")
        #expect(
            EPCPaymentCode.payload(
                name: "X", iban: "DE02120300000000202051", bic: nil, amount: 0, currency: eur, remittance: "")
                == nil)
        #expect(
            EPCPaymentCode.payload(
                name: "X", iban: "CH9300762011623852957", bic: nil, amount: 100, currency: Currency(code: "CHF")!,
                remittance: "") == nil)
    }

    @Test func theLongestGiroCodeFitsVersion13() throws {
        let longest = try #require(
            EPCPaymentCode.payload(
                name: String(repeating: "N", count: 70), iban: "DE02120300000000202051", bic: "BYLADEM1001",
                amount: 99_999_999_999, currency: .eur, remittance: String(repeating: "R", count: 140)))
        #expect(try QRCode(bytes: Array(longest.utf8)).version <= 13)
    }
}
