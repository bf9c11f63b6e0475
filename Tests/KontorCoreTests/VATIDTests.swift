import Foundation
import KontorCore
import Testing

@Suite struct VATIDTests {
    @Test func publishedExamplesAreValid() throws {
        #expect(try VATID("DE136695976").country == "DE")
        #expect(try VATID("ATU13585627").prefix == "AT")
        #expect(try VATID("de 136 695 976").description == "DE136695976")
    }

    @Test func greeceUsesELNotGR() throws {
        #expect(try VATID("EL094259216").country == "GR")
        #expect(throws: VATIDError.unknownPrefix("GR")) { try VATID("GR094259216") }
    }

    @Test func northernIrelandUsesXIAndGreatBritainIsNoLongerEU() throws {
        #expect(try VATID("XI980780684").country == "GB")
        #expect(throws: VATIDError.unknownPrefix("GB")) { try VATID("GB980780684") }
    }

    @Test func wrongCheckDigitIsRefused() {
        #expect(throws: VATIDError.invalidCheckDigits("DE")) { try VATID("DE136695977") }
        #expect(throws: VATIDError.invalidCheckDigits("AT")) { try VATID("ATU13585628") }
        #expect(throws: VATIDError.malformed) { try VATID("DE") }
    }

    /// `vat-ids.tsv` holds numbers judged by python-stdnum (an independent implementation):
    /// correct ones for every member state and near misses. Kontor must agree on every line.
    @Test func agreesWithPythonStdnumOnEveryMemberState() throws {
        let url = try #require(Bundle.module.url(forResource: "vat-ids", withExtension: "tsv"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 2000)
        var disagreements: [String] = []
        var validPerPrefix: [String: Int] = [:]
        for line in lines {
            let parts = line.split(separator: "\t")
            let id = String(parts[0])
            // stdnum still knows GB; for the EU it is gone since 2021.
            let expected = parts[1] == "1" && !id.hasPrefix("GB")
            let actual = (try? VATID(id)) != nil
            if expected { validPerPrefix[String(id.prefix(2)), default: 0] += 1 }
            if actual != expected { disagreements.append("\(id): stdnum \(expected), kontor \(actual)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(20))")
        #expect(Set(validPerPrefix.keys) == VATID.prefixes)
    }
}
