import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import Testing

/// Bank statements as banks send them: whole or not at all, in each supported version.
@Suite struct BankFileTests {
    func returnEntry(version: String, charges: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:\(version)">
          <BkToCstmrStmt>
            <GrpHdr><MsgId>RET-1</MsgId><CreDtTm>2027-01-05T00:00:00</CreDtTm></GrpHdr>
            <Stmt><Id>RET-1-1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
              <Ntry><Amt Ccy="EUR">119.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>
                <Sts>\(version.hasSuffix("02") ? "BOOK" : "<Cd>BOOK</Cd>")</Sts><BookgDt><Dt>2027-01-05</Dt></BookgDt>
                <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn></BkTxCd>
                <NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId><MndtId>M-1</MndtId></Refs>
                  \(charges)
                  <RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf></TxDtls></NtryDtls>
              </Ntry>
            </Stmt>
          </BkToCstmrStmt>
        </Document>
        """
    }

    @Test func returnChargesAreReadInEverySupportedVersion() throws {
        let old = try CamtStatement.parse(
            Data(returnEntry(version: "camt.053.001.02", charges: #"<Chrgs><Amt Ccy="EUR">3.50</Amt></Chrgs>"#).utf8))
        #expect(old.transactions.map(\.fee) == [350])
        #expect(old.transactions.map(\.returnReason) == ["AM04"])
        let new = try CamtStatement.parse(
            Data(
                returnEntry(
                    version: "camt.053.001.08",
                    charges:
                        #"<Chrgs><TtlChrgsAndTaxAmt Ccy="EUR">3.50</TtlChrgsAndTaxAmt><Rcrd><Amt Ccy="EUR">3.50</Amt></Rcrd></Chrgs>"#
                ).utf8))
        #expect(new.transactions.map(\.fee) == [350])
    }

    @Test func aDocumentThatIsCutOffOrOfAnUnknownVersionIsRefusedWhole() async throws {
        try await withTestAPI { client, fx in
            let whole = camt053(
                id: "CUT", entries: [creditEntry(ref: "A", amount: 1000, date: "2027-01-02", text: "one")])
            // Cut off after the first complete entry: nothing of it is booked.
            let cut = String(whole[..<whole.range(of: "</Ntry>")!.upperBound])
            let refused = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: cut)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("cut off"))
            let unknown = whole.replacingOccurrences(of: "camt.053.001.08", with: "camt.053.001.99")
            let version = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: unknown)
            #expect(version.status == .unprocessableContent)
            let noStatus = whole.replacingOccurrences(of: "<Sts><Cd>BOOK</Cd></Sts>", with: "")
            let invalid = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: noStatus)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains("Sts"))
            #expect(try await fx.count("bank_transactions") == 0)
            #expect(try await fx.count("bank_statements") == 0)
            #expect(try await fx.count("payments") == 0)
        }
    }

    @Test func numericBankReferencesPassAndCardNumbersInRemittanceAreMasked() async throws {
        try await withTestAPI { client, fx in
            // 4242 4242 4242 4242 passes the Luhn check: as a bank reference it is no card.
            let xml = camt053(
                id: "4242424242424242",
                entries: [
                    creditEntry(
                        ref: "4242424242424242", amount: 1000, date: "2027-01-02",
                        text: "card 4111 1111 1111 1111 refund", name: "Payer")
                ])
            let r = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: xml)
            #expect(r.status == .created)
            #expect(try await fx.rowsContaining("4111 1111 1111 1111") == 0)
            #expect(try await fx.count("bank_transactions WHERE remittance = 'card 4111 11** **** 1111 refund'") == 1)
        }
    }

    @Test func aStatementOverOneMebibyteIsRead() async throws {
        try await withTestAPI { client, fx in
            let entries = (0..<2500).map {
                creditEntry(
                    ref: "R\($0)", amount: 100, date: "2027-01-02", text: "transfer number \($0)", name: "Payer")
            }
            let xml = camt053(id: "BIG", entries: entries)
            #expect(xml.utf8.count > 1 << 20)
            let r = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: xml)
            #expect(r.status == .created)
            #expect(try await fx.count("bank_transactions") == 2500)
        }
    }
}
