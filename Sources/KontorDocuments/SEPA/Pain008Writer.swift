import KontorCore

/// Writes a customer direct-debit initiation as ISO 20022 pain.008: version 001.08 (what German
/// banks take since November 2023, DK "Anlage 3" 3.7) or 001.02 (still read by many).
///
/// The two differ where the later message renamed elements: a bank is `BICFI` in .08 and `BIC`
/// in .02. Without a BIC the agent is `Othr/Id = NOTPROVIDED` (IBAN-only, EPC guidance).
/// Free text is cleaned to the SEPA Latin set; amounts are euro with two decimals.
public enum Pain008Writer {
    public enum Version: String, Sendable, CaseIterable {
        case v08 = "pain.008.001.08"
        case v02 = "pain.008.001.02"

        public var namespace: String { "urn:iso:std:iso:20022:tech:xsd:\(rawValue)" }
        var bicElement: String { self == .v08 ? "BICFI" : "BIC" }
    }

    public static func write(_ file: SEPADirectDebitFile, version: Version = .v08) -> [UInt8] {
        var xml = XMLBuilder(capacity: 1024 + file.numberOfTransactions * 900)
        xml.element(
            "Document",
            ["xmlns": version.namespace, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance"]
        ) { xml in
            xml.element("CstmrDrctDbtInitn") { xml in
                xml.element("GrpHdr") { xml in
                    xml.leaf("MsgId", file.messageID)
                    xml.leaf("CreDtTm", file.createdAt)
                    xml.leaf("NbOfTxs", String(file.numberOfTransactions))
                    xml.leaf("CtrlSum", DecimalText.amount(file.controlSum, .eur))
                    xml.element("InitgPty") { $0.leaf("Nm", SEPAText.clean(file.creditor.name, max: 70)) }
                }
                for block in file.blocks { paymentInformation(block, file.creditor, version, &xml) }
            }
        }
        return xml.bytes
    }

    static func paymentInformation(
        _ block: SEPAPaymentInformation, _ creditor: SEPACreditor, _ version: Version, _ xml: inout XMLBuilder
    ) {
        xml.element("PmtInf") { xml in
            xml.leaf("PmtInfId", block.id)
            xml.leaf("PmtMtd", "DD")
            xml.leaf("NbOfTxs", String(block.debits.count))
            xml.leaf("CtrlSum", DecimalText.amount(block.controlSum, .eur))
            xml.element("PmtTpInf") { xml in
                xml.element("SvcLvl") { $0.leaf("Cd", "SEPA") }
                xml.element("LclInstrm") { $0.leaf("Cd", block.scheme.rawValue) }
                xml.leaf("SeqTp", block.sequenceType.rawValue)
            }
            xml.leaf("ReqdColltnDt", block.collectionDate.description)
            xml.element("Cdtr") { $0.leaf("Nm", SEPAText.clean(creditor.name, max: 70)) }
            account(creditor.iban, "CdtrAcct", &xml)
            agent(creditor.bic, "CdtrAgt", version, &xml)
            xml.leaf("ChrgBr", "SLEV")
            creditorScheme(creditor.creditorID, &xml)
            for debit in block.debits { transaction(debit, version, &xml) }
        }
    }

    static func transaction(_ debit: SEPADirectDebit, _ version: Version, _ xml: inout XMLBuilder) {
        xml.element("DrctDbtTxInf") { xml in
            xml.element("PmtId") { $0.leaf("EndToEndId", debit.endToEndID) }
            xml.leaf("InstdAmt", DecimalText.amount(debit.amount, .eur), ["Ccy": "EUR"])
            xml.element("DrctDbtTx") { xml in
                xml.element("MndtRltdInf") { xml in
                    xml.leaf("MndtId", debit.mandateReference)
                    xml.leaf("DtOfSgntr", debit.mandateSignedOn.description)
                    if let amendment = debit.amendment {
                        xml.leaf("AmdmntInd", "true")
                        xml.element("AmdmntInfDtls") { xml in
                            xml.leaf("OrgnlMndtId", amendment.originalMandateReference)
                            if let iban = amendment.originalIBAN, !amendment.otherBank {
                                account(iban, "OrgnlDbtrAcct", &xml)
                            }
                            if amendment.otherBank {
                                xml.element("OrgnlDbtrAgt") { xml in
                                    xml.element("FinInstnId") { xml in
                                        xml.element("Othr") { $0.leaf("Id", "SMNDA") }
                                    }
                                }
                            }
                        }
                    } else {
                        xml.leaf("AmdmntInd", "false")
                    }
                }
            }
            agent(debit.debtorBIC, "DbtrAgt", version, &xml)
            xml.element("Dbtr") { $0.leaf("Nm", SEPAText.clean(debit.debtorName, max: 70)) }
            account(debit.debtorIBAN, "DbtrAcct", &xml)
            xml.element("RmtInf") { $0.leaf("Ustrd", SEPAText.clean(debit.remittance, max: 140)) }
        }
    }

    static func account(_ iban: String, _ name: String, _ xml: inout XMLBuilder) {
        xml.element(name) { xml in xml.element("Id") { $0.leaf("IBAN", iban) } }
    }

    static func agent(_ bic: String?, _ name: String, _ version: Version, _ xml: inout XMLBuilder) {
        xml.element(name) { xml in
            xml.element("FinInstnId") { xml in
                if let bic {
                    xml.leaf(version.bicElement, bic)
                } else {
                    xml.element("Othr") { $0.leaf("Id", "NOTPROVIDED") }
                }
            }
        }
    }

    static func creditorScheme(_ creditorID: String, _ xml: inout XMLBuilder) {
        xml.element("CdtrSchmeId") { xml in
            xml.element("Id") { xml in
                xml.element("PrvtId") { xml in
                    xml.element("Othr") { xml in
                        xml.leaf("Id", creditorID)
                        xml.element("SchmeNm") { $0.leaf("Prtry", "SEPA") }
                    }
                }
            }
        }
    }
}
