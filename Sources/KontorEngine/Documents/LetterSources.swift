import Foundation
import KontorCore
import KontorDocuments
import KontorStore

/// How stored rows become the letters' inputs — the same for the worker and a request, so a
/// notice renders to the same bytes whoever renders it first.
enum LetterSources {
    /// The tenant as the writer of a letter (its current details); a 409 naming what to set
    /// when a valid letter cannot be made.
    static func seller(_ profile: TenantProfile) throws -> DocumentSeller {
        let d = profile.documents
        let details = SellerDetails(
            name: profile.legalName ?? profile.name, address: profile.address, country: profile.homeCountry,
            vatID: profile.vatID, taxNumber: d.taxNumber, contactName: d.contactName, phone: d.contactPhone,
            email: d.contactEmail, electronicAddress: d.electronicAddress, iban: d.bankIBAN, bic: d.bankBIC,
            creditorID: d.sepaCreditorID)
        let missing = details.missingFields
        guard missing.isEmpty else {
            throw EngineError.conflict(
                "The seller details lack \(missing.joined(separator: ", ")) for a letter; set them with PATCH /v1/tenant"
            )
        }
        return DocumentSeller(details, footerNote: d.documentFooter)
    }

    /// The customer as addressee.
    static func buyer(_ customer: Customer, homeCountry: String) -> EInvoice.Party {
        let f = customer.fields
        return EInvoice.Party(
            name: f.name ?? customer.id,
            address: PostalAddress(
                lines: [f.addressLine1, f.addressLine2].compactMap { $0 }, postcode: f.postalCode, city: f.city,
                country: f.country?.code ?? homeCountry), vatID: f.taxID?.description)
    }

    static func language(_ customer: Customer?) -> DocumentLanguage {
        DocumentLanguage(locale: customer?.fields.locale?.value)
    }

    /// A stored notice as printed; payment is asked for within ten days of its date.
    static func notice(_ notice: DunningNotice) -> NoticeDocument {
        let json = DunningNoticeJSON(notice)
        return NoticeDocument(
            reference: "\(notice.customerID)-\(notice.caseNo)-\(notice.level)", level: notice.level,
            levelName: notice.levelName, date: notice.noticeDate, currency: Currency(code: notice.currency) ?? .eur,
            items: json.items.compactMap { item in
                guard let due = LocalDate(item.dueDate) else { return nil }
                return NoticeDocument.Item(
                    number: item.number, dueDate: due, open: item.open, daysOverdue: item.daysOverdue,
                    overdue: item.overdue, interest: item.interest,
                    interestFrom: item.interestFrom.flatMap(LocalDate.init),
                    interestThrough: item.interestThrough.flatMap(LocalDate.init))
            }, fee: notice.fee, interest: notice.interest, flatFee: notice.flatFee,
            announcesCollection: notice.actions.contains(DunningAction.handOver.rawValue),
            payBy: notice.noticeDate.adding(days: 10))
    }

    /// The notice's PDF, archived.
    static func noticePDF(
        _ notice: DunningNotice, customer: Customer?, seller: DocumentSeller, profile: TenantProfile,
        letterhead: Letterhead, portal: String?, now: Date
    ) -> ArchivedDocument {
        let buyer =
            customer.map { Self.buyer($0, homeCountry: profile.homeCountry) }
            ?? EInvoice.Party(
                name: notice.customerID,
                address: PostalAddress(lines: [], postcode: nil, city: nil, country: profile.homeCountry))
        var letter = NoticeLetter.letter(
            Self.notice(notice), seller: seller, buyer: buyer, language: language(customer))
        letter.addPortalLink(portal)
        let bytes = DocumentRenderer.pdf.letter(letter, date: notice.noticeDate, logo: letterhead.logo)
        return DocumentRenderer.archived(bytes, source: .dunningNotice, sourceID: notice.id, format: .pdf, now: now)
    }
}
