import KontorCore
import Testing

@Suite struct PaymentRulesTests {
    @Test func fullCardNumbersAreFoundInAnyShape() {
        for text in [
            "4242424242424242", "4242 4242 4242 4242", "4242-4242-4242-4242", #"{"note": "card 5555555555554444 pls"}"#,
            "378282246310005", "6011111111111117", #"{"n": 4000056655665556}"#, "Karte 4242 4242 4242 4242",
            "IBAN DE89370400440532013000 Karte 4242 4242 4242 4242",
        ] {
            #expect(CardNumberGuard.containsCardNumber(text), "\(text)")
        }
    }

    @Test func ibansIdsAmountsAndLuhnFailuresAreNotCardNumbers() {
        for text in [
            "DE89370400440532013000", "DE89 3704 0044 0532 0130 00",
            // Grouped IBANs whose digits pass the Luhn check by chance (the portal's bad-IBAN case).
            "DE89 3704 0044 0532 0130 01", "IBAN: de89 3704 0044 0532 0130 01 bitte", "4242424242424241",
            "424242424242",
            "cus_4242424242424242",
            #"{"amount": 1000000000000}"#, "2026-11-22T10:00:00Z", "42424242424242424242424",
            "pm_1234567890123456789abc",
        ] {
            #expect(!CardNumberGuard.containsCardNumber(text), "\(text)")
        }
    }

    @Test func ibansAreCheckedByCountryLengthAndMod97() throws {
        #expect(try IBAN("DE89 3704 0044 0532 0130 00").value == "DE89370400440532013000")
        #expect(try IBAN("de89370400440532013000").last4 == "3000")
        #expect(try IBAN("GB82WEST12345698765432").countryCode == "GB")
        #expect(throws: ValidationError.self) { try IBAN("DE89370400440532013001") }
        #expect(throws: ValidationError.self) { try IBAN("DE8937040044053201300") }
        #expect(throws: ValidationError.self) { try IBAN("ZZ89370400440532013000") }
    }

    @Test func aCardExpiresAtTheEndOfItsMonth() throws {
        let december = try CardExpiry(month: 12, year: 2026)
        #expect(december.firstInvalidDay.description == "2027-01-01")
        #expect(december.noticeDay(leadDays: 30).description == "2026-12-02")
        let february = try CardExpiry(month: 2, year: 2028)
        #expect(february.firstInvalidDay.description == "2028-03-01")
        #expect(february.noticeDay(leadDays: 30).description == "2028-01-31")
        #expect(!february.isExpired(on: LocalDate("2028-02-29")!))
        #expect(february.isExpired(on: LocalDate("2028-03-01")!))
        #expect(throws: ValidationError.self) { try CardExpiry(month: 13, year: 2026) }
    }
}
