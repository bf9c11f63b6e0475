import Foundation
import KontorCore

/// What a tenant needs to bill: the seller fields of §14 Abs. 4 UStG, its home country for VAT,
/// its number formats and default payment terms, and its test clock.
public struct TenantProfile: Sendable, Equatable {
    public var tenantID: String
    public var name: String
    public var legalName: String?
    public var address: String?
    public var vatID: String?
    public var homeCountry: String
    public var timeZone: String
    public var invoiceNumberFormat: String
    public var creditNoteNumberFormat: String
    public var paymentTermsDays: Int
    public var livemode: Bool
    public var testClockAt: Date?
    /// The bank's fee for a returned debit, charged on to the customer (0: none).
    public var returnFee: Int64 = 0
    public var datevConsultant: Int = 1001
    public var datevClient: Int = 1
    public var fiscalYearStartMonth: Int = 1
    /// Number format of fee items (dunning fees, interest, return fees): their own series.
    public var feeItemNumberFormat: String = "GB-{YYYY}-{seq:06}"

    /// The name printed as seller: the legal name when set.
    public var sellerName: String { legalName ?? name }

    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }

    static let columns = """
        tenant_id, name, legal_name, address, vat_id, home_country, time_zone, invoice_number_format,
        credit_note_number_format, payment_terms_days, livemode, test_clock_at, return_fee, datev_consultant,
        datev_client, fiscal_year_start_month, fee_item_number_format
        """
}
