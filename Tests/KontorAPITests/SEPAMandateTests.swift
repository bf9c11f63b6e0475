import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorTestSupport
import PostgresNIO
import Testing

/// A SEPA mandate's life through the API: scheme and type, FRST before the first collection and
/// RCUR after, amendments announced once, lapse after 36 months without a collection.
@Suite struct SEPAMandateTests {
    func customer(_ client: some TestClientProtocol, _ fx: APIFixture, kind: String = "business") async throws
        -> String
    {
        try await client.post(
            "/v1/customers", fx, #"{"name": "Müller GmbH", "kind": "\#(kind)", "address": {"country": "DE"}}"#
        ).json()["id"] as! String
    }

    func mandate(_ client: some TestClientProtocol, _ fx: APIFixture, _ cus: String, extra: String = "") async throws
        -> TestResponse
    {
        try await client.post(
            "/v1/payment_methods", fx,
            #"{"customer": "\#(cus)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013000", "mandate_reference": "KONTOR-M-1", "mandate_date": "2027-02-01"\#(extra)}}"#
        )
    }

    func sepa(_ client: some TestClientProtocol, _ fx: APIFixture, _ pm: String) async throws -> [String: Any] {
        try await client.get("/v1/payment_methods/\(pm)", fx).json()["sepa_debit"] as! [String: Any]
    }

    func patch(_ client: some TestClientProtocol, _ fx: APIFixture, _ pm: String, _ body: String) async throws
        -> TestResponse
    {
        try await client.send(.patch, "/v1/payment_methods/\(pm)", key: fx.apiKey, json: body)
    }

    @Test func theFirstCollectionIsFRSTAndMakesTheNextRCURAndRestartsTheLapse() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus = try await customer(client, fx)
            let created = try await mandate(client, fx, cus, extra: #", "scheme": "B2B""#)
            #expect(created.status == .created, "\(created.text)")
            let pm = try created.json()["id"] as! String
            var state = try await sepa(client, fx, pm)
            #expect(state["scheme"] as? String == "B2B")
            #expect(state["mandate_type"] as? String == "recurring")
            #expect(state["next_sequence_type"] as? String == "FRST")
            #expect(state["lapses_on"] as? String == "2030-02-01")
            _ = try await client.post(
                "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#)
            #expect(try await fx.count("invoices WHERE status = 'paid'") == 1)
            state = try await sepa(client, fx, pm)
            #expect(state["last_collection_on"] as? String == "2027-03-01")
            #expect(state["next_sequence_type"] as? String == "RCUR")
            #expect(state["lapses_on"] as? String == "2030-03-01")
        }
    }

    @Test func aLapsedMandateIsNotCollectedFrom() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus = try await customer(client, fx)
            let made = try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(cus)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013000", "mandate_reference": "OLD-1", "mandate_date": "2024-01-10"}}"#
            )
            #expect(
                try made.json()["sepa_debit"].flatMap { ($0 as? [String: Any])?["lapses_on"] as? String }
                    == "2027-01-10")
            _ = try await client.post(
                "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#)
            #expect(try await fx.count("invoices WHERE status = 'open'") == 1)
            #expect(try await fx.count("payments WHERE status = 'failed' AND failure_code = 'mandate_lapsed'") == 1)
            #expect(try await fx.count("payments WHERE status = 'succeeded'") == 0)
        }
    }

    @Test func anAmendmentIsAnnouncedByTheNextCollectionOnly() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus = try await customer(client, fx)
            let pm = try await mandate(client, fx, cus).json()["id"] as! String
            // Before any collection an amendment has nothing to announce.
            var changed = try await patch(client, fx, pm, #"{"sepa_debit": {"mandate_reference": "KONTOR-M-2"}}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(
                try changed.json()["sepa_debit"].flatMap { ($0 as? [String: Any])?["amendment"] as? [String: Any] }
                    == nil)
            _ = try await client.post(
                "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#)
            // Same bank (Bankleitzahl 37040044), new account: the old IBAN is announced.
            changed = try await patch(client, fx, pm, #"{"sepa_debit": {"iban": "DE62370400440532013001"}}"#)
            var amendment = try #require(
                (try changed.json()["sepa_debit"] as? [String: Any])?["amendment"] as? [String: Any])
            #expect(amendment["original_iban_last4"] as? String == "3000")
            #expect(amendment["other_bank"] as? Bool == false)
            #expect(amendment["original_mandate_reference"] is NSNull || amendment["original_mandate_reference"] == nil)
            // Then another bank and a new reference: SMNDA, and the first original is kept.
            changed = try await patch(
                client, fx, pm,
                #"{"sepa_debit": {"iban": "DE02120300000000202051", "mandate_reference": "KONTOR-M-3"}}"#)
            amendment = try #require(
                (try changed.json()["sepa_debit"] as? [String: Any])?["amendment"] as? [String: Any])
            #expect(amendment["other_bank"] as? Bool == true)
            #expect(amendment["original_mandate_reference"] as? String == "KONTOR-M-2")
            #expect((try await sepa(client, fx, pm))["iban_last4"] as? String == "2051")
            // The next collection carries it; after that there is nothing to announce.
            try await client.advanceClock(to: "2027-04-01T09:00:00Z", fx)
            #expect(try await fx.count("payments WHERE status = 'succeeded'") == 2)
            let state = try await sepa(client, fx, pm)
            #expect(state["amendment"] == nil || state["amendment"] is NSNull)
            #expect(state["last_collection_on"] as? String == "2027-04-01")
        }
    }

    @Test func badMandatesAndAmendmentsAreRefusedNamingTheFieldAndWriteNothing() async throws {
        try await withTestAPI { client, fx in
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let consumer = try await customer(client, fx, kind: "consumer")
            let cases: [(String, [String])] = [
                (#", "scheme": "B2B""#, ["sepa_debit.scheme"]),
                (#", "scheme": "COR""#, ["sepa_debit.scheme"]),
                (#", "mandate_type": "monthly""#, ["sepa_debit.mandate_type"]),
            ]
            for (extra, fields) in cases {
                let response = try await mandate(client, fx, consumer, extra: extra)
                #expect(response.status == .unprocessableContent, "\(extra)")
                #expect(try response.errorFields() == fields, "\(extra): \(response.text)")
            }
            for reference in ["KONTOR M 1", "A//B", "/AB", "Mändat-1"] {
                let response = try await client.post(
                    "/v1/payment_methods", fx,
                    #"{"customer": "\#(consumer)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013000", "mandate_reference": "\#(reference)", "mandate_date": "2027-02-01"}}"#
                )
                #expect(response.status == .unprocessableContent, "\(reference)")
                #expect(try response.errorFields() == ["sepa_debit.mandate_reference"], "\(reference)")
            }
            let future = try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(consumer)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013000", "mandate_reference": "M-1", "mandate_date": "2027-03-02"}}"#
            )
            #expect(try future.errorFields() == ["sepa_debit.mandate_date"])
            #expect(try await fx.count("payment_methods") == 0)

            let pm = try await mandate(client, fx, consumer).json()["id"] as! String
            let card =
                try await client.post(
                    "/v1/payment_methods", fx,
                    #"{"customer": "\#(consumer)", "type": "card", "card": {"token": "tok_visa", "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030}}"#
                ).json()["id"] as! String
            let amendments: [(String, String, [String])] = [
                (pm, #"{"sepa_debit": {"iban": "DE89370400440532013001"}}"#, ["sepa_debit.iban"]),
                (pm, #"{"sepa_debit": {"mandate_reference": "A//B"}}"#, ["sepa_debit.mandate_reference"]),
                (pm, #"{"sepa_debit": {}}"#, ["sepa_debit"]),
                (card, #"{"sepa_debit": {"mandate_reference": "M-2"}}"#, ["sepa_debit"]),
            ]
            for (id, body, fields) in amendments {
                let response = try await patch(client, fx, id, body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(try response.errorFields() == fields, "\(body): \(response.text)")
            }
            #expect(try await fx.count("payment_methods WHERE sepa_mandate_reference = 'KONTOR-M-1'") == 1)
            #expect(try await fx.count("payment_methods WHERE sepa_amended_from_iban IS NOT NULL") == 0)
        }
    }
}
