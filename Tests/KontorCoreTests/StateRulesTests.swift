import KontorCore
import Testing

/// The states the store keeps and the moves between them: the rules live here, the store only
/// writes what they say.
@Suite struct StateRulesTests {
    @Test func anInvoiceIsOpenWhileAnythingIsOwed() {
        #expect(InvoiceStatus.settled(owed: 1, writtenOff: 0) == .open)
        #expect(InvoiceStatus.settled(owed: 1, writtenOff: 500) == .open)
    }

    @Test func anInvoiceClosedByAWriteOffIsWrittenOffNotPaid() {
        #expect(InvoiceStatus.settled(owed: 0, writtenOff: 1) == .writtenOff)
        #expect(InvoiceStatus.settled(owed: 0, writtenOff: 0) == .paid)
        // Overpaid (owed below zero never happens through allocations, but it is not open).
        #expect(InvoiceStatus.settled(owed: -5, writtenOff: 0) == .paid)
    }

    @Test func aPaidInvoiceIsNeverWrittenOffAndAReturnReopensIt() {
        #expect(!InvoiceStatus.paid.canMove(to: .writtenOff))
        #expect(!InvoiceStatus.writtenOff.canMove(to: .paid))
        #expect(InvoiceStatus.paid.canMove(to: .open))
        #expect(InvoiceStatus.writtenOff.canMove(to: .open))
        #expect(InvoiceStatus.open.canMove(to: .paid) && InvoiceStatus.open.canMove(to: .writtenOff))
    }

    /// Every move `settled` can make between two amount states is one `canMove` allows.
    @Test func everyMoveTheSettlementRuleMakesIsAllowed() {
        let states: [(owed: Int64, writtenOff: Int64)] = [(100, 0), (0, 0), (0, 100), (50, 50)]
        for a in states {
            for b in states {
                // A write-off only grows; a paid invoice has nothing to write off.
                guard b.writtenOff >= a.writtenOff, !(a.owed == 0 && b.writtenOff > a.writtenOff) else { continue }
                let from = InvoiceStatus.settled(owed: a.owed, writtenOff: a.writtenOff)
                let to = InvoiceStatus.settled(owed: b.owed, writtenOff: b.writtenOff)
                #expect(from.canMove(to: to), "\(a) → \(b)")
            }
        }
    }

    @Test func dunningTouchesOnlyLiveSubscriptionsInArrears() {
        #expect(SubscriptionStatus.active.dunningMayMove(to: .restricted))
        #expect(SubscriptionStatus.restricted.dunningMayMove(to: .suspended))
        #expect(SubscriptionStatus.suspended.dunningMayMove(to: .active))
        #expect(!SubscriptionStatus.suspended.dunningMayMove(to: .restricted))
        for untouched in [SubscriptionStatus.trialing, .paused, .canceled] {
            for target in [SubscriptionStatus.restricted, .suspended, .active] {
                #expect(!untouched.dunningMayMove(to: target), "\(untouched) → \(target)")
            }
        }
        #expect(SubscriptionStatus.dunningSources(for: .canceled).isEmpty)
    }

    @Test func aChargeIntentResolvesOnceAndADeletedEndpointStaysDeleted() {
        #expect(ChargeIntentStatus.pending.canMove(to: .succeeded))
        #expect(!ChargeIntentStatus.succeeded.canMove(to: .failed))
        #expect(!ChargeIntentStatus.pending.canMove(to: .pending))
        #expect(!WebhookEndpointStatus.deleted.canMove(to: .enabled))
        #expect(WebhookEndpointStatus.disabled.canMove(to: .enabled))
    }

    @Test func aDeliveryIsRetriedUntilItsAttemptsAreUsedUp() {
        #expect(DeliveryStatus.after(attempt: true, retriesLeft: false) == .delivered)
        #expect(DeliveryStatus.after(attempt: false, retriesLeft: true) == .pending)
        #expect(DeliveryStatus.after(attempt: false, retriesLeft: false) == .failed)
    }
}

@Suite struct SellerIdentifierRulesTests {
    @Test func aCreditorIDIsCheckedLikeAnIBANWithoutItsBusinessCode() {
        #expect(SEPACreditorID.isValid("DE98ZZZ09999999999"))
        #expect(SEPACreditorID.isValid("DE98ABC09999999999"))  // the business code is not checked
        #expect(!SEPACreditorID.isValid("DE99ZZZ09999999999"))
        #expect(!SEPACreditorID.isValid("DE98ZZZ"))
    }

    @Test func aBICHasEightOrElevenCharacters() {
        #expect(BIC.isValid("BYLADEM1001") && BIC.isValid("COBADEFF"))
        #expect(!BIC.isValid("BYLADEM") && !BIC.isValid("byladem1001") && !BIC.isValid("12LADEM1"))
    }

}

@Suite struct LeitwegIDTests {
    @Test func aLeitwegIDHasCoarseAndFineAddressAndMod97CheckDigits() {
        #expect(LeitwegID("991-33333TEST-33")?.value == "991-33333TEST-33")
        #expect(LeitwegID("04011000-1234512345-06") != nil)
        #expect(LeitwegID("991-33333test-33")?.value == "991-33333TEST-33")
        #expect(LeitwegID("991-33333TEST-34") == nil)  // wrong check digits
        #expect(LeitwegID("04011000-12345-34") == nil)
        #expect(LeitwegID("1-33333TEST-33") == nil)  // coarse address too short
        #expect(LeitwegID("991-3333 TEST-33") == nil)
        #expect(LeitwegID("99133333TEST33") == nil)  // no hyphens
    }
}
