import KontorCore
import Testing

@Suite struct CustomerRulesTests {
    func input(_ build: (inout CustomerInput) -> Void) -> CustomerInput {
        var input = CustomerInput()
        build(&input)
        return input
    }

    @Test func validBusinessCustomerIsAccepted() throws {
        let fields = try CustomerRules.create(
            input {
                $0.name = "ACME GmbH"
                $0.email = " billing@acme.de "
                $0.kind = "business"
                $0.country = "de"
                $0.taxID = "DE136695976"
                $0.currency = "eur"
            }
        )
        #expect(fields.kind == .business)
        #expect(fields.email?.value == "billing@acme.de")
        #expect(fields.country?.code == "DE")
        #expect(fields.currency == .eur)
        #expect(fields.taxID?.description == "DE136695976")
    }

    @Test func everyBadFieldIsNamedNotJustTheFirst() {
        do {
            _ = try CustomerRules.create(
                input {
                    $0.email = "no-at-sign"
                    $0.kind = "company"
                    $0.country = "XX"
                    $0.currency = "EUX"
                    $0.taxID = "DE136695977"
                }
            )
            Issue.record("expected a validation error")
        } catch {
            #expect(
                Set(error.errors.map(\.field)) == ["email", "kind", "address.country", "currency", "tax_id"]
            )
        }
    }

    @Test func vatIDFromAnotherCountryThanTheAddressIsRefused() {
        do {
            _ = try CustomerRules.create(
                input {
                    $0.country = "FR"
                    $0.taxID = "DE136695976"
                }
            )
            Issue.record("expected a validation error")
        } catch {
            #expect(error.errors == [FieldError(field: "tax_id", message: "is a DE VAT ID but address.country is FR")])
        }
    }

    @Test func greekVATIDMatchesGreekAddress() throws {
        let fields = try CustomerRules.create(
            input {
                $0.country = "GR"
                $0.taxID = "EL094259216"
            }
        )
        #expect(fields.taxID?.country == "GR")
    }

    @Test func patchWithNullClearsAndAbsentKeeps() throws {
        let current = try CustomerRules.create(
            input {
                $0.name = "Old"
                $0.email = "a@b.de"
            }
        )
        let patched = try CustomerRules.apply(input { $0.email = .some(nil) }, to: current)
        #expect(patched.email == nil)
        #expect(patched.name == "Old")
    }

    @Test func emailShapes() {
        #expect(EmailAddress("a@b.de") != nil)
        #expect(EmailAddress("first.last+tag@sub.example.com") != nil)
        for bad in ["", "a", "a@", "@b.de", "a@b", "a@@b.de", "a b@c.de", "a@b..de", ".a@b.de", "a@-b.de", "a@b.1"] {
            #expect(EmailAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func countryCodesAreISO3166Alpha2() {
        #expect(CountryCode("DE") != nil)
        #expect(CountryCode("GR")?.isEUMember == true)
        #expect(CountryCode("CH")?.isEUMember == false)
        #expect(CountryCode("EL") == nil)
        #expect(CountryCode("UK") == nil)
    }
}
