import KontorCore

/// UN/CEFACT Cross Industry Invoice D16B in the Factur-X 1.0 / ZUGFeRD 2.x EN 16931 profile —
/// the XML a Factur-X PDF embeds as `factur-x.xml`. Element order is the XSD's.
public enum CIIWriter {
    public static let guideline = "urn:cen.eu:en16931:2017"

    public static func xml(_ e: EInvoice) -> String { build(e).text }

    /// The document as UTF-8 bytes (what the archive stores).
    public static func bytes(_ e: EInvoice) -> [UInt8] { build(e).bytes }

    static func build(_ e: EInvoice) -> XMLBuilder {
        var x = XMLBuilder()
        x.element(
            "rsm:CrossIndustryInvoice",
            [
                "xmlns:rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
                "xmlns:qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
                "xmlns:ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
                "xmlns:udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
            ]
        ) { x in
            x.element("rsm:ExchangedDocumentContext") { x in
                x.element("ram:GuidelineSpecifiedDocumentContextParameter") { $0.leaf("ram:ID", guideline) }
            }
            x.element("rsm:ExchangedDocument") { x in
                x.leaf("ram:ID", e.number)
                x.leaf("ram:TypeCode", e.kind.typeCode)
                date("ram:IssueDateTime", e.issueDate, &x)
                for note in e.notes { x.element("ram:IncludedNote") { $0.leaf("ram:Content", note) } }
            }
            x.element("rsm:SupplyChainTradeTransaction") { x in
                for line in e.lines { self.line(line, e.currency, &x) }
                agreement(e, &x)
                x.element("ram:ApplicableHeaderTradeDelivery") { x in
                    x.element("ram:ActualDeliverySupplyChainEvent") {
                        date("ram:OccurrenceDateTime", e.deliveryDate, &$0)
                    }
                }
                settlement(e, &x)
            }
        }
        return x
    }

    static func date(_ name: String, _ day: LocalDate, _ x: inout XMLBuilder, qualified: Bool = false) {
        x.element(name) {
            $0.leaf(qualified ? "qdt:DateTimeString" : "udt:DateTimeString", day.compact, ["format": "102"])
        }
    }

    static func period(_ p: BillingPeriod?, _ x: inout XMLBuilder) {
        guard let p else { return }
        x.element("ram:BillingSpecifiedPeriod") { x in
            date("ram:StartDateTime", p.start, &x)
            // A period's end is exclusive in Kontor, inclusive on the invoice.
            date("ram:EndDateTime", p.end.adding(days: -1), &x)
        }
    }

    static func line(_ l: EInvoice.Line, _ currency: Currency, _ x: inout XMLBuilder) {
        x.element("ram:IncludedSupplyChainTradeLineItem") { x in
            x.element("ram:AssociatedDocumentLineDocument") { $0.leaf("ram:LineID", l.id) }
            x.element("ram:SpecifiedTradeProduct") { $0.leaf("ram:Name", l.name) }
            x.element("ram:SpecifiedLineTradeAgreement") { x in
                x.element("ram:NetPriceProductTradePrice") {
                    $0.leaf("ram:ChargeAmount", DecimalText.price(l.netPriceScaled, currency))
                }
            }
            x.element("ram:SpecifiedLineTradeDelivery") {
                $0.leaf("ram:BilledQuantity", DecimalText.quantity(l.quantityMilli), ["unitCode": l.unitCode])
            }
            x.element("ram:SpecifiedLineTradeSettlement") { x in
                x.element("ram:ApplicableTradeTax") { x in
                    x.leaf("ram:TypeCode", "VAT")
                    x.leaf("ram:CategoryCode", l.category.rawValue)
                    // Outside the scope of VAT a line has no rate (BR-O-05).
                    x.leaf("ram:RateApplicablePercent", l.category.hasRate ? DecimalText.percent(l.rate) : nil)
                }
                period(l.period, &x)
                x.element("ram:SpecifiedTradeSettlementLineMonetarySummation") {
                    $0.leaf("ram:LineTotalAmount", DecimalText.amount(l.netAmount, currency))
                }
            }
        }
    }

    static func agreement(_ e: EInvoice, _ x: inout XMLBuilder) {
        x.element("ram:ApplicableHeaderTradeAgreement") { x in
            x.leaf("ram:BuyerReference", e.buyerReference)
            party("ram:SellerTradeParty", e.seller, &x)
            party("ram:BuyerTradeParty", e.buyer, &x)
            if let order = e.orderReference {
                x.element("ram:BuyerOrderReferencedDocument") { $0.leaf("ram:IssuerAssignedID", order) }
            }
        }
    }

    static func party(_ name: String, _ p: EInvoice.Party, _ x: inout XMLBuilder) {
        x.element(name) { x in
            x.leaf("ram:ID", p.identifier)
            x.leaf("ram:Name", p.name)
            if let c = p.contact {
                x.element("ram:DefinedTradeContact") { x in
                    x.leaf("ram:PersonName", c.name)
                    if let phone = c.phone {
                        x.element("ram:TelephoneUniversalCommunication") { $0.leaf("ram:CompleteNumber", phone) }
                    }
                    if let email = c.email {
                        x.element("ram:EmailURIUniversalCommunication") { $0.leaf("ram:URIID", email) }
                    }
                }
            }
            x.element("ram:PostalTradeAddress") { x in
                x.leaf("ram:PostcodeCode", p.address.postcode)
                for (i, line) in p.address.lines.prefix(3).enumerated() {
                    x.leaf(["ram:LineOne", "ram:LineTwo", "ram:LineThree"][i], line)
                }
                x.leaf("ram:CityName", p.address.city)
                x.leaf("ram:CountryID", p.address.country)
            }
            if let address = p.electronicAddress {
                x.element("ram:URIUniversalCommunication") { $0.leaf("ram:URIID", address, ["schemeID": "EM"]) }
            }
            if let vat = p.vatID {
                x.element("ram:SpecifiedTaxRegistration") { $0.leaf("ram:ID", vat, ["schemeID": "VA"]) }
            }
            if let number = p.taxNumber {
                x.element("ram:SpecifiedTaxRegistration") { $0.leaf("ram:ID", number, ["schemeID": "FC"]) }
            }
        }
    }

    static func settlement(_ e: EInvoice, _ x: inout XMLBuilder) {
        let c = e.currency
        x.element("ram:ApplicableHeaderTradeSettlement") { x in
            x.leaf("ram:CreditorReferenceID", e.paymentMeans?.creditorID)
            x.leaf("ram:PaymentReference", e.kind == .invoice ? e.number : nil)
            x.leaf("ram:InvoiceCurrencyCode", c.code)
            if let m = e.paymentMeans { means(m, &x) }
            for g in e.taxGroups {
                x.element("ram:ApplicableTradeTax") { x in
                    x.leaf("ram:CalculatedAmount", DecimalText.amount(g.tax, c))
                    x.leaf("ram:TypeCode", "VAT")
                    x.leaf("ram:ExemptionReason", g.category.exemptionReason)
                    x.leaf("ram:BasisAmount", DecimalText.amount(g.basis, c))
                    x.leaf("ram:CategoryCode", g.category.rawValue)
                    x.leaf("ram:ExemptionReasonCode", g.category.exemptionCode)
                    x.leaf("ram:RateApplicablePercent", DecimalText.percent(g.rate))
                }
            }
            period(e.period, &x)
            if e.paymentTerms != nil || e.dueDate != nil || e.paymentMeans?.mandateReference != nil {
                x.element("ram:SpecifiedTradePaymentTerms") { x in
                    x.leaf("ram:Description", e.paymentTerms)
                    if let due = e.dueDate { date("ram:DueDateDateTime", due, &x) }
                    x.leaf("ram:DirectDebitMandateID", e.paymentMeans?.mandateReference)
                }
            }
            x.element("ram:SpecifiedTradeSettlementHeaderMonetarySummation") { x in
                x.leaf("ram:LineTotalAmount", DecimalText.amount(e.lineTotal, c))
                x.leaf("ram:TaxBasisTotalAmount", DecimalText.amount(e.lineTotal, c))
                x.leaf("ram:TaxTotalAmount", DecimalText.amount(e.taxTotal, c), ["currencyID": c.code])
                x.leaf("ram:GrandTotalAmount", DecimalText.amount(e.grandTotal, c))
                x.leaf("ram:TotalPrepaidAmount", e.prepaid != 0 ? DecimalText.amount(e.prepaid, c) : nil)
                x.leaf("ram:DuePayableAmount", DecimalText.amount(e.amountDue, c))
            }
            if let p = e.precedingInvoice {
                x.element("ram:InvoiceReferencedDocument") { x in
                    x.leaf("ram:IssuerAssignedID", p.number)
                    date("ram:FormattedIssueDateTime", p.issueDate, &x, qualified: true)
                }
            }
        }
    }

    static func means(_ m: EInvoice.PaymentMeans, _ x: inout XMLBuilder) {
        x.element("ram:SpecifiedTradeSettlementPaymentMeans") { x in
            x.leaf("ram:TypeCode", m.code)
            if let debited = m.debitedIBAN {
                x.element("ram:PayerPartyDebtorFinancialAccount") { $0.leaf("ram:IBANID", debited) }
            }
            if let iban = m.iban {
                x.element("ram:PayeePartyCreditorFinancialAccount") { x in
                    x.leaf("ram:IBANID", iban)
                    x.leaf("ram:AccountName", m.accountName)
                }
            }
            if let bic = m.bic {
                x.element("ram:PayeeSpecifiedCreditorFinancialInstitution") { $0.leaf("ram:BICID", bic) }
            }
        }
    }
}
