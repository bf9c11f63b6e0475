import Foundation
import KontorCore

/// The seller as every letter shows it: letterhead name, the return line in the window, and
/// the footer (address, contact, bank and tax identifiers, the tenant's own footer text).
public struct DocumentSeller: Sendable, Equatable {
    public var party: EInvoice.Party
    public var iban: String?
    public var bic: String?
    public var creditorID: String?
    public var footerNote: String?

    public init(
        party: EInvoice.Party, iban: String? = nil, bic: String? = nil, creditorID: String? = nil,
        footerNote: String? = nil
    ) {
        self.party = party
        self.iban = iban
        self.bic = bic
        self.creditorID = creditorID
        self.footerNote = footerNote
    }

    /// The seller of an e-invoice, with the bank account its payment means name.
    public init(_ e: EInvoice, creditorID: String? = nil, footerNote: String? = nil) {
        self.init(
            party: e.seller, iban: e.paymentMeans?.iban, bic: e.paymentMeans?.bic,
            creditorID: e.paymentMeans?.creditorID ?? creditorID, footerNote: footerNote)
    }

    public func sender(_ l: DocumentLanguage) -> Letter.Sender {
        let a = party.address
        let cityLine = [a.postcode, a.city].compactMap { $0 }.joined(separator: " ")
        let returnLine = ([party.name] + a.lines + [cityLine]).filter { !$0.isEmpty }.joined(separator: " · ")
        let address = [party.name] + a.lines + [cityLine] + (a.country == "DE" ? [] : [a.country])
        let contact: [String] = [
            party.contact?.name, party.contact?.phone.map { l.pick("Tel. ", "Phone ") + $0 },
            party.contact?.email ?? party.electronicAddress,
        ].compactMap { $0 }
        var tax: [String] = []
        if let iban { tax.append("IBAN " + IBANText.grouped(iban)) }
        if let bic { tax.append("BIC " + bic) }
        if let vat = party.vatID { tax.append(l.pick("USt-IdNr. ", "VAT ID ") + vat) }
        if let number = party.taxNumber ?? (party.vatID == nil ? party.identifier : nil) {
            tax.append(l.pick("Steuernummer ", "Tax number ") + number)
        }
        if let creditorID { tax.append(l.pick("Gläubiger-ID ", "Creditor ID ") + creditorID) }
        return Letter.Sender(
            name: party.name, returnLine: returnLine, footerColumns: [address, contact, tax], footerNote: footerNote)
    }

    /// The buyer's address as the window shows it.
    public static func recipient(_ buyer: EInvoice.Party, sellerCountry: String) -> [String] {
        let a = buyer.address
        let cityLine = [a.postcode, a.city].compactMap { $0 }.joined(separator: " ")
        return ([buyer.name] + a.lines + [cityLine] + (a.country == sellerCountry ? [] : [a.country])).filter {
            !$0.isEmpty
        }
    }
}

/// IBANs as people read them: groups of four.
public enum IBANText {
    public static func grouped(_ iban: String) -> String {
        var out = ""
        for (i, c) in iban.replacingOccurrences(of: " ", with: "").enumerated() {
            if i > 0 && i % 4 == 0 { out.append(" ") }
            out.append(c)
        }
        return out
    }

    /// All but the country, check digits and last four characters hidden (a pre-notification
    /// names the account without printing it in full).
    public static func masked(_ iban: String) -> String {
        let plain = iban.replacingOccurrences(of: " ", with: "")
        guard plain.count > 8 else { return plain }
        return String(plain.prefix(4)) + " •••• " + String(plain.suffix(4))
    }
}

extension DocumentSeller {
    /// The tenant as the writer of a letter that is no invoice (a notice, a statement).
    public init(_ details: SellerDetails, footerNote: String?) {
        self.init(
            party: EInvoice.Party(
                name: details.name ?? "", address: PostalAddress(text: details.address, country: details.country),
                vatID: details.vatID, taxNumber: details.taxNumber, electronicAddress: details.electronicAddress,
                contact: EInvoice.Contact(name: details.contactName, phone: details.phone, email: details.email)),
            iban: details.iban, bic: details.bic, creditorID: details.creditorID, footerNote: footerNote)
    }
}
