import KontorCore
import PropertyBased
import Testing

/// The rules of SEPA direct debit that decide dates, sequence types and what goes into a file.
@Suite struct SEPARulesTests {
    func collection(due: String, notified: String, days: Int) -> LocalDate {
        SEPACollectionDate.collectionDate(dueOn: day(due), notifiedOn: day(notified), preNotificationDays: days)
    }

    @Test func easterSundayFollowsTheGregorianComputus() {
        let known = [
            1818: "1818-03-22", 1943: "1943-04-25", 2000: "2000-04-23", 2019: "2019-04-21", 2024: "2024-03-31",
            2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25", 2285: "2285-03-22",
        ]
        for (year, easter) in known { #expect(TARGET2Calendar.easterSunday(year) == day(easter), "\(year)") }
    }

    @Test func target2IsClosedOnWeekendsNewYearGoodFridayEasterMondayMayDayAndChristmas() {
        for closed in [
            "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-12-25", "2026-12-26", "2026-12-05",
        ] {
            #expect(!TARGET2Calendar.isBusinessDay(day(closed)), "\(closed)")
        }
        // National holidays are not TARGET2 holidays: German Unity Day 2025 was a Friday.
        for open in ["2025-10-03", "2026-12-24", "2026-12-31", "2026-04-02", "2026-04-07", "2026-05-14"] {
            #expect(TARGET2Calendar.isBusinessDay(day(open)), "\(open)")
        }
        #expect(TARGET2Calendar.isoWeekday(day("2026-12-07")) == 1)
        #expect(TARGET2Calendar.isoWeekday(day("1970-01-01")) == 4)
        #expect(TARGET2Calendar.isoWeekday(day("1969-12-28")) == 7)
    }

    @Test func aClosedDayMovesToTheNextBusinessDay() {
        #expect(TARGET2Calendar.businessDay(onOrAfter: day("2026-04-03")) == day("2026-04-07"))
        #expect(TARGET2Calendar.businessDay(onOrAfter: day("2026-12-25")) == day("2026-12-28"))
        #expect(TARGET2Calendar.businessDay(onOrAfter: day("2027-01-01")) == day("2027-01-04"))
        #expect(TARGET2Calendar.businessDay(onOrAfter: day("2026-12-08")) == day("2026-12-08"))
        #expect(TARGET2Calendar.businessDay(2, after: day("2026-12-24")) == day("2026-12-29"))
    }

    @Test func everyMovedDateIsABusinessDayAndNoBusinessDayIsSkipped() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...30_000)) { n in
            let date = LocalDate(dayNumber: n)
            let moved = TARGET2Calendar.businessDay(onOrAfter: date)
            #expect(TARGET2Calendar.isBusinessDay(moved))
            #expect(moved >= date && date.days(to: moved) <= 5)
            var d = date
            while d < moved {
                #expect(!TARGET2Calendar.isBusinessDay(d))
                d = d.adding(days: 1)
            }
        }
    }

    @Test func theCollectionDateIsTheLaterOfDueDateAndPreNotificationOnABusinessDay() {
        // Announced Monday 7 Dec with 14 days: the due date 10 Dec is too early; 21 Dec is a Monday.
        #expect(
            collection(due: "2026-12-10", notified: "2026-12-07", days: 14)
                == day("2026-12-21"))
        // A due date after the pre-notification period is kept.
        #expect(
            collection(due: "2027-01-20", notified: "2026-12-07", days: 14)
                == day("2027-01-20"))
        // 14 days after 12 Dec is Boxing Day (a Saturday too): Monday 28 Dec.
        #expect(
            collection(due: "2026-12-12", notified: "2026-12-12", days: 14)
                == day("2026-12-28"))
    }

    @Test func aShorterAgreedPreNotificationStillLeavesTheBankOneBusinessDay() {
        // Friday with one day agreed: the file goes in Friday, collected Monday (D-1).
        #expect(
            collection(due: "2026-12-04", notified: "2026-12-04", days: 1)
                == day("2026-12-07"))
        // Maundy Thursday with none: Good Friday and Easter Monday are closed, so Tuesday.
        #expect(
            collection(due: "2026-04-02", notified: "2026-04-02", days: 0)
                == day("2026-04-07"))
        // A file made on a Saturday counts from Monday.
        #expect(SEPACollectionDate.earliestForFile(sentOn: day("2026-12-05")) == day("2026-12-08"))
    }

    @Test func aDebitWhoseDateHasPassedGoesIntoTheFileAtTheEarliestDateTheBankHonours() {
        #expect(
            SEPACollectionDate.dateInFile(planned: day("2026-12-01"), sentOn: day("2026-12-07")) == day("2026-12-08"))
        #expect(
            SEPACollectionDate.dateInFile(planned: day("2026-12-21"), sentOn: day("2026-12-07")) == day("2026-12-21"))
        #expect(SEPACollectionDate.isDue(planned: day("2026-12-21"), sentOn: day("2026-12-07")))
        #expect(!SEPACollectionDate.isDue(planned: day("2026-12-22"), sentOn: day("2026-12-07")))
    }

    @Test func theFirstCollectionIsFRSTThenRCURAndTheLastFNAL() {
        var mandate = SEPAMandateState(kind: .recurring, signedOn: day("2026-01-10"), lastCollectionOn: nil)
        #expect(SEPAMandateRules.sequenceType(mandate) == .first)
        mandate.lastCollectionOn = day("2026-02-01")
        #expect(SEPAMandateRules.sequenceType(mandate) == .recurring)
        mandate.finalCollection = true
        #expect(SEPAMandateRules.sequenceType(mandate) == .final)
        let oneOff = SEPAMandateState(kind: .oneOff, signedOn: day("2026-01-10"), lastCollectionOn: nil)
        #expect(SEPAMandateRules.sequenceType(oneOff) == .oneOff)
    }

    @Test func aMandateLapsesThirtySixMonthsAfterItsLastCollection() {
        let unused = SEPAMandateState(kind: .recurring, signedOn: day("2023-01-15"), lastCollectionOn: nil)
        #expect(SEPAMandateRules.lapsesOn(unused) == day("2026-01-15"))
        #expect(!SEPAMandateRules.isLapsed(unused, on: day("2026-01-14")))
        #expect(SEPAMandateRules.refusal(unused, collectingOn: day("2026-01-15")) == .lapsed)
        let used = SEPAMandateState(kind: .recurring, signedOn: day("2020-01-15"), lastCollectionOn: day("2024-02-29"))
        #expect(SEPAMandateRules.lapsesOn(used) == day("2027-02-28"))
        #expect(SEPAMandateRules.refusal(used, collectingOn: day("2027-02-27")) == nil)
    }

    @Test func aOneOffMandateIsUsedOnceAndNoCollectionPrecedesTheSignature() {
        let oneOff = SEPAMandateState(kind: .oneOff, signedOn: day("2026-11-01"), lastCollectionOn: day("2026-11-20"))
        #expect(SEPAMandateRules.refusal(oneOff, collectingOn: day("2026-12-20")) == .used)
        let fresh = SEPAMandateState(kind: .recurring, signedOn: day("2026-12-20"), lastCollectionOn: nil)
        #expect(SEPAMandateRules.refusal(fresh, collectingOn: day("2026-12-19")) == .notYetSigned)
        #expect(SEPAMandateRules.refusal(fresh, collectingOn: day("2026-12-21"), finalPresented: true) == .finished)
    }

    @Test func textIsCleanedToTheSEPALatinSetAndIdentifiersAreChecked() {
        #expect(SEPAText.clean("Müller & Söhne  GmbH", max: 70) == "Mueller + Soehne GmbH")
        #expect(SEPAText.clean("Straße 1 <b>", max: 70) == "Strasse 1 b")
        #expect(SEPAText.clean("日本", max: 70) == "NOTPROVIDED")
        #expect(SEPAText.clean(String(repeating: "ab ", count: 60), max: 140).count <= 140)
        #expect(SEPAText.isIdentifier("MANDATE-2026/001"))
        for bad in ["MANDATE 1", "/M1", "M1/", "M//1", "", String(repeating: "A", count: 36), "Mändat"] {
            #expect(!SEPAText.isIdentifier(bad), "\(bad)")
        }
    }

    @Test func aFileGroupsDebitsByDateSchemeAndSequenceWithControlSums() async {
        func debit(_ id: String, _ amount: Int64, _ date: String, _ scheme: SEPAScheme, _ seq: SEPASequenceType)
            -> SEPADirectDebit
        {
            SEPADirectDebit(
                endToEndID: id, amount: amount, collectionDate: day(date), scheme: scheme, sequenceType: seq,
                mandateReference: "M-\(id)", mandateSignedOn: day("2026-01-01"), debtorName: "D \(id)",
                debtorIBAN: "DE89370400440532013000", remittance: "R \(id)")
        }
        let creditor = SEPACreditor(
            name: "Kontor GmbH", iban: "DE02120300000000202051", bic: nil, creditorID: "DE98ZZZ09999999999")
        let file = SEPADirectDebitFile(
            messageID: "MSG1", createdAt: "2026-12-07T10:00:00", creditor: creditor,
            debits: [
                debit("e3", 100, "2026-12-21", .core, .recurring), debit("e1", 1999, "2026-12-21", .core, .first),
                debit("e2", 5, "2026-12-21", .core, .recurring), debit("e4", 700, "2026-12-22", .core, .recurring),
                debit("e5", 12345, "2026-12-21", .b2b, .recurring),
            ])
        #expect(
            file.blocks.map { "\($0.collectionDate) \($0.scheme.rawValue) \($0.sequenceType.rawValue)" } == [
                "2026-12-21 B2B RCUR", "2026-12-21 CORE FRST", "2026-12-21 CORE RCUR", "2026-12-22 CORE RCUR",
            ])
        #expect(file.blocks[2].debits.map(\.endToEndID) == ["e2", "e3"])
        #expect(file.blocks[2].controlSum == 105)
        #expect(file.numberOfTransactions == 5)
        #expect(file.controlSum == 100 + 1999 + 5 + 700 + 12345)

        await propertyCheck(count: 200, input: Gen.int(in: 1...40), Gen.int(in: 0...1_000_000)) { n, seed in
            let debits = (0..<n).map { i in
                debit(
                    "x\(i)", Int64((seed + i * 7919) % 100_000 + 1), i % 3 == 0 ? "2026-12-21" : "2026-12-22",
                    i % 2 == 0 ? .core : .b2b, SEPASequenceType.allCases[(seed + i) % 4])
            }
            let file = SEPADirectDebitFile(
                messageID: "M", createdAt: "2026-12-07T10:00:00", creditor: creditor, debits: debits)
            #expect(file.numberOfTransactions == n)
            #expect(file.controlSum == debits.reduce(0) { $0 + $1.amount })
            #expect(Set(file.blocks.flatMap { $0.debits.map(\.endToEndID) }).count == n)
            for block in file.blocks {
                #expect(
                    block.debits.allSatisfy {
                        $0.collectionDate == block.collectionDate && $0.scheme == block.scheme
                            && $0.sequenceType == block.sequenceType
                    })
            }
        }
    }
}
