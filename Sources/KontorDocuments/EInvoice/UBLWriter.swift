import KontorCore

/// OASIS UBL 2.1 as XRechnung 3.0 (`Invoice` or `CreditNote`). Element order is the XSD's.
public enum UBLWriter {
    public static let customization = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
    public static let profile = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

    public static func xml(_ e: EInvoice) -> String { build(e).text }

    /// The document as UTF-8 bytes (what the archive stores).
    public static func bytes(_ e: EInvoice) -> [UInt8] { build(e).bytes }

    static func build(_ e: EInvoice) -> XMLBuilder {
        let invoice = e.kind == .invoice
        let root = invoice ? "Invoice" : "CreditNote"
        var x = XMLBuilder()
        x.element(
            root,
            [
                "xmlns": "urn:oasis:names:specification:ubl:schema:xsd:\(root)-2",
                "xmlns:cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
                "xmlns:cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
            ]
        ) { x in
            x.leaf("cbc:CustomizationID", customization)
            x.leaf("cbc:ProfileID", profile)
            x.leaf("cbc:ID", e.number)
            x.leaf("cbc:IssueDate", e.issueDate.description)
            if invoice { x.leaf("cbc:DueDate", e.dueDate?.description) }
            x.leaf(invoice ? "cbc:InvoiceTypeCode" : "cbc:CreditNoteTypeCode", e.kind.typeCode)
            for note in e.notes { x.leaf("cbc:Note", note) }
            x.leaf("cbc:DocumentCurrencyCode", e.currency.code)
            x.leaf("cbc:BuyerReference", e.buyerReference)
            if let p = e.period {
                x.element("cac:InvoicePeriod") { x in
                    x.leaf("cbc:StartDate", p.start.description)
                    x.leaf("cbc:EndDate", p.end.adding(days: -1).description)
                }
            }
            if let order = e.orderReference { x.element("cac:OrderReference") { $0.leaf("cbc:ID", order) } }
            if let p = e.precedingInvoice {
                x.element("cac:BillingReference") { x in
                    x.element("cac:InvoiceDocumentReference") { x in
                        x.leaf("cbc:ID", p.number)
                        x.leaf("cbc:IssueDate", p.issueDate.description)
                    }
                }
            }
            x.element("cac:AccountingSupplierParty") { party(e.seller, &$0) }
            x.element("cac:AccountingCustomerParty") { party(e.buyer, &$0) }
            x.element("cac:Delivery") { $0.leaf("cbc:ActualDeliveryDate", e.deliveryDate.description) }
            if let m = e.paymentMeans { means(m, paymentID: invoice ? e.number : nil, &x) }
            if let terms = e.paymentTerms { x.element("cac:PaymentTerms") { $0.leaf("cbc:Note", terms) } }
            totals(e, &x)
            for line in e.lines { self.line(line, kind: e.kind, e.currency, &x) }
        }
        return x
    }

    static func amount(_ name: String, _ minor: Int64, _ c: Currency, _ x: inout XMLBuilder) {
        x.leaf(name, DecimalText.amount(minor, c), ["currencyID": c.code])
    }

    static func party(_ p: EInvoice.Party, _ x: inout XMLBuilder) {
        x.element("cac:Party") { x in
            if let address = p.electronicAddress { x.leaf("cbc:EndpointID", address, ["schemeID": "EM"]) }
            if let id = p.identifier { x.element("cac:PartyIdentification") { $0.leaf("cbc:ID", id) } }
            x.element("cac:PartyName") { $0.leaf("cbc:Name", p.name) }
            x.element("cac:PostalAddress") { x in
                x.leaf("cbc:StreetName", p.address.lines.first)
                x.leaf("cbc:AdditionalStreetName", p.address.lines.dropFirst().first)
                x.leaf("cbc:CityName", p.address.city)
                x.leaf("cbc:PostalZone", p.address.postcode)
                if p.address.lines.count > 2 {
                    x.element("cac:AddressLine") { $0.leaf("cbc:Line", p.address.lines[2]) }
                }
                x.element("cac:Country") { $0.leaf("cbc:IdentificationCode", p.address.country) }
            }
            if let vat = p.vatID { taxScheme(vat, "VAT", &x) }
            if let number = p.taxNumber { taxScheme(number, "FC", &x) }
            x.element("cac:PartyLegalEntity") { $0.leaf("cbc:RegistrationName", p.name) }
            if let c = p.contact {
                x.element("cac:Contact") { x in
                    x.leaf("cbc:Name", c.name)
                    x.leaf("cbc:Telephone", c.phone)
                    x.leaf("cbc:ElectronicMail", c.email)
                }
            }
        }
    }

    static func taxScheme(_ id: String, _ scheme: String, _ x: inout XMLBuilder) {
        x.element("cac:PartyTaxScheme") { x in
            x.leaf("cbc:CompanyID", id)
            x.element("cac:TaxScheme") { $0.leaf("cbc:ID", scheme) }
        }
    }

    static func means(_ m: EInvoice.PaymentMeans, paymentID: String?, _ x: inout XMLBuilder) {
        x.element("cac:PaymentMeans") { x in
            x.leaf("cbc:PaymentMeansCode", m.code)
            x.leaf("cbc:PaymentID", paymentID)
            if let iban = m.iban {
                x.element("cac:PayeeFinancialAccount") { x in
                    x.leaf("cbc:ID", iban)
                    x.leaf("cbc:Name", m.accountName)
                    if let bic = m.bic { x.element("cac:FinancialInstitutionBranch") { $0.leaf("cbc:ID", bic) } }
                }
            }
            if m.mandateReference != nil || m.debitedIBAN != nil {
                x.element("cac:PaymentMandate") { x in
                    x.leaf("cbc:ID", m.mandateReference)
                    if let debited = m.debitedIBAN {
                        x.element("cac:PayerFinancialAccount") { $0.leaf("cbc:ID", debited) }
                    }
                }
            }
        }
    }

    static func category(_ c: VATCategory, rate: Int, exemption: Bool, _ x: inout XMLBuilder, name: String) {
        x.element(name) { x in
            x.leaf("cbc:ID", c.rawValue)
            x.leaf("cbc:Percent", c.hasRate ? DecimalText.percent(rate) : nil)
            if exemption {
                x.leaf("cbc:TaxExemptionReasonCode", c.exemptionCode)
                x.leaf("cbc:TaxExemptionReason", c.exemptionReason)
            }
            x.element("cac:TaxScheme") { $0.leaf("cbc:ID", "VAT") }
        }
    }

    static func totals(_ e: EInvoice, _ x: inout XMLBuilder) {
        let c = e.currency
        x.element("cac:TaxTotal") { x in
            amount("cbc:TaxAmount", e.taxTotal, c, &x)
            for g in e.taxGroups {
                x.element("cac:TaxSubtotal") { x in
                    amount("cbc:TaxableAmount", g.basis, c, &x)
                    amount("cbc:TaxAmount", g.tax, c, &x)
                    category(g.category, rate: g.rate, exemption: true, &x, name: "cac:TaxCategory")
                }
            }
        }
        x.element("cac:LegalMonetaryTotal") { x in
            amount("cbc:LineExtensionAmount", e.lineTotal, c, &x)
            amount("cbc:TaxExclusiveAmount", e.lineTotal, c, &x)
            amount("cbc:TaxInclusiveAmount", e.grandTotal, c, &x)
            if e.prepaid != 0 { amount("cbc:PrepaidAmount", e.prepaid, c, &x) }
            amount("cbc:PayableAmount", e.amountDue, c, &x)
        }
    }

    static func line(_ l: EInvoice.Line, kind: EInvoice.Kind, _ c: Currency, _ x: inout XMLBuilder) {
        let invoice = kind == .invoice
        x.element(invoice ? "cac:InvoiceLine" : "cac:CreditNoteLine") { x in
            x.leaf("cbc:ID", l.id)
            x.leaf(
                invoice ? "cbc:InvoicedQuantity" : "cbc:CreditedQuantity", DecimalText.quantity(l.quantityMilli),
                ["unitCode": l.unitCode])
            amount("cbc:LineExtensionAmount", l.netAmount, c, &x)
            if let p = l.period {
                x.element("cac:InvoicePeriod") { x in
                    x.leaf("cbc:StartDate", p.start.description)
                    x.leaf("cbc:EndDate", p.end.adding(days: -1).description)
                }
            }
            x.element("cac:Item") { x in
                x.leaf("cbc:Name", l.name)
                category(l.category, rate: l.rate, exemption: false, &x, name: "cac:ClassifiedTaxCategory")
            }
            x.element("cac:Price") { x in
                x.leaf("cbc:PriceAmount", DecimalText.price(l.netPriceScaled, c), ["currencyID": c.code])
            }
        }
    }
}
