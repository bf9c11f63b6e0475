import KontorCore
import Testing

@Suite struct PlanParserTests {
    func node(_ pairs: [(String, CatalogNode)], line: Int? = nil) -> CatalogNode {
        CatalogNode(.map(pairs.map { (key: $0.0, node: $0.1) }), line: line)
    }
    func s(_ v: String, _ line: Int? = nil) -> CatalogNode { CatalogNode(.string(v), line: line) }
    func i(_ v: Int64, _ line: Int? = nil) -> CatalogNode { CatalogNode(.integer(v), line: line) }
    func list(_ items: [CatalogNode]) -> CatalogNode { CatalogNode(.list(items)) }

    @Test func aValidPlanParses() throws {
        let plan = try PlanParser.parse(
            node([
                ("code", s("team")), ("name", s("Team")), ("interval", s("month")), ("currencies", list([s("EUR")])),
                (
                    "charges",
                    list([node([("code", s("base")), ("type", s("flat")), ("amount", node([("EUR", i(4900))]))])])
                ),
            ])
        ).get()
        #expect(plan.code == "team" && plan.intervalCount == 1 && plan.charges[0].amount == ["EUR": 4900])
    }

    @Test func everyProblemIsNamedWithItsFieldAndLine() {
        let result = PlanParser.parse(
            node(
                [
                    ("code", s("Team!", 1)), ("interval", s("fortnight", 3)), ("currencies", list([s("EUR", 4)])),
                    (
                        "charges",
                        list([
                            node(
                                [
                                    ("code", s("seats", 7)), ("type", s("per_unit", 8)),
                                    ("unit_amount", node([("EUR", CatalogNode(.number("9.5"), line: 9))], line: 9)),
                                ],
                                line: 6
                            )
                        ])
                    ),
                    ("colour", s("blue", 10)),
                ],
                line: 1
            )
        )
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        let found = Set(error.issues.map { "\($0.field)@\($0.line ?? 0)" })
        #expect(found.contains("code@1"))
        #expect(found.contains("name@1"))
        #expect(found.contains("interval@3"))
        #expect(found.contains("charges[0].unit_amount.EUR@9"))
        #expect(found.contains("colour@10"))
    }

    @Test func tiersMustIncreaseAndEndOpen() {
        let tiers = list([
            node([("up_to", i(10)), ("unit_amount", node([("EUR", i(1))]))]),
            node([("up_to", i(5)), ("unit_amount", node([("EUR", i(1))]))]),
        ])
        let result = PlanParser.parse(
            node([
                ("code", s("x")), ("name", s("X")), ("interval", s("month")), ("currencies", list([s("EUR")])),
                (
                    "charges",
                    list([
                        node([
                            ("code", s("t")), ("type", s("tiered")), ("tiers_mode", s("graduated")), ("tiers", tiers),
                        ])
                    ])
                ),
            ])
        )
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.issues.map(\.field).contains("charges[0].tiers[1].up_to"))
    }

    @Test func missingCurrencyInAPriceIsRefused() {
        let result = PlanParser.parse(
            node([
                ("code", s("x")), ("name", s("X")), ("interval", s("month")),
                ("currencies", list([s("EUR"), s("USD")])),
                ("charges", list([node([("code", s("b")), ("type", s("flat")), ("amount", node([("EUR", i(1))]))])])),
            ])
        )
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.issues.map(\.field) == ["charges[0].amount.USD"])
    }
}
