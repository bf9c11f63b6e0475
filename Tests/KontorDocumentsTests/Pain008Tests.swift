import Foundation
import KontorCore
import KontorDocuments
import KontorTestSupport
import Testing

/// pain.008 files as the bank reads them: the official XSD of each version, an independent
/// parser, IBAN/BIC checks by schwifty and the creditor id by python-stdnum.
@Suite struct Pain008Tests {
    static func day(_ text: String) -> LocalDate { LocalDate(text)! }

    static let creditor = SEPACreditor(
        name: "Kontor Test Merchant GmbH & Co. KG", iban: "DE02120300000000202051", bic: "BYLADEM1001",
        creditorID: "DE98ZZZ09999999999")

    static func debit(
        _ id: String, _ amount: Int64, _ date: String, _ scheme: SEPAScheme = .core,
        _ sequence: SEPASequenceType = .recurring, iban: String = "DE89370400440532013000",
        bic: String? = "COBADEFFXXX",
        amendment: SEPADirectDebit.Amendment? = nil, name: String = "Jörg Müller-Lüdenscheidt"
    ) -> SEPADirectDebit {
        SEPADirectDebit(
            endToEndID: id, amount: amount, collectionDate: day(date), scheme: scheme, sequenceType: sequence,
            mandateReference: "KONTOR-\(id)", mandateSignedOn: day("2026-03-15"), amendment: amendment,
            debtorName: name, debtorIBAN: iban, debtorBIC: bic, remittance: "Rechnung 2026-000\(id.suffix(3))")
    }

    static let file = SEPADirectDebitFile(
        messageID: "KONTOR-B-20261207-1", createdAt: "2026-12-07T10:15:00", creditor: creditor,
        debits: [
            debit("E2E001", 11900, "2026-12-21", .core, .first),
            debit("E2E002", 4900, "2026-12-21", iban: "DE02500105170137075030", bic: nil),
            debit(
                "E2E003", 1, "2026-12-21", iban: "AT611904300234573201", bic: "BKAUATWWXXX", name: "Ärztekammer <Wien>"),
            debit(
                "E2E004", 123_456_78, "2026-12-22", .b2b, .recurring, iban: "NL91ABNA0417164300", bic: "ABNANL2A",
                amendment: .init(originalMandateReference: "OLD-REF-7", otherBank: true)),
            debit(
                "E2E005", 990, "2026-12-22", .core, .final,
                amendment: .init(originalIBAN: "DE75512108001245126199")),
            debit("E2E006", 2500, "2026-12-23", .core, .oneOff, iban: "FR1420041010050500013M02606", bic: nil),
        ])

    @Test func bothVersionsValidateAgainstTheOfficialXSDAndReadBackAsWritten() async throws {
        let reports = try await SEPAOracle.check([
            "v08": Pain008Writer.write(Self.file, version: .v08),
            "v02": Pain008Writer.write(Self.file, version: .v02),
        ])
        for (name, version) in [("v08", "pain.008.001.08"), ("v02", "pain.008.001.02")] {
            let report = try #require(reports[name])
            #expect(report.version == version)
            #expect(report.xsd == "valid", "\(name): \(report.xsd)")
            #expect(report.problems.isEmpty, "\(name): \(report.problems)")
            #expect(report.messageId == "KONTOR-B-20261207-1")
            #expect(report.count == 6)
            #expect(report.controlSum == "123659.69")
            #expect(
                report.blocks.map { "\($0.date) \($0.scheme) \($0.sequence) \($0.count) \($0.controlSum)" } == [
                    "2026-12-21 CORE FRST 1 119.00", "2026-12-21 CORE RCUR 2 49.01", "2026-12-22 B2B RCUR 1 123456.78",
                    "2026-12-22 CORE FNAL 1 9.90", "2026-12-23 CORE OOFF 1 25.00",
                ])
            #expect(report.blocks.allSatisfy { $0.creditorId == "DE98ZZZ09999999999" })
            let txs = Dictionary(
                uniqueKeysWithValues: report.blocks.flatMap(\.transactions).map { ($0.endToEndId, $0) })
            #expect(txs["E2E001"]?.debtor == "Joerg Mueller-Luedenscheidt")
            #expect(txs["E2E001"]?.mandate == "KONTOR-E2E001")
            #expect(txs["E2E001"]?.signed == "2026-03-15")
            #expect(txs["E2E001"]?.amended == false)
            #expect(txs["E2E002"]?.bic == nil)
            #expect(txs["E2E003"]?.debtor == "Aerztekammer Wien")
            #expect(txs["E2E003"]?.amount == "0.01")
            #expect(txs["E2E003"]?.currency == "EUR")
            #expect(txs["E2E004"]?.amended == true)
            #expect(txs["E2E004"]?.originalMandate == "OLD-REF-7")
            #expect(txs["E2E004"]?.originalAgent == "SMNDA")
            #expect(txs["E2E005"]?.originalIban == "DE75512108001245126199")
            #expect(txs["E2E006"]?.remittance == "Rechnung 2026-000006")
        }
    }

    @Test func theWriterIsDeterministic() {
        #expect(Pain008Writer.write(Self.file) == Pain008Writer.write(Self.file))
    }
}
