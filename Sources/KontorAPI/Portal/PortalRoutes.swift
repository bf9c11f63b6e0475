import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorDocuments
import KontorEngine

/// The debtor portal: server-rendered HTML under `/portal/{token}`, no JavaScript, German or
/// English (`?lang=`, else the customer's locale). Every form posts with a CSRF field (see
/// `PortalCSRF`), answers bad input with the form again, saying what is wrong next to the field
/// (422, nothing written), and a success with a redirect to the account page (303).
///
/// Pages are never cached or framed, and send no referrer (the token is in the URL); the
/// request log shows `/portal/pt_…`.
struct PortalRoutes {
    let portal: PortalService
    let secureCookies: Bool
    let pages = PortalPages.shared

    func register(on router: RouterGroup<KontorRequestContext>) {
        router.get("portal/assets/portal.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: pages.stylesheet)))
        }
        let group = router.group("portal/{token}")
        group.get("", use: account)
        group.get("items/{id}/pdf") { try await download($0, $1, .pdf) }
        group.get("items/{id}/xml") { try await download($0, $1, .cii) }
        group.get("statement", use: statement)
        group.get("items/{id}/pay", use: payForm)
        group.post("items/{id}/pay", use: pay)
        group.get("items/{id}/dispute", use: disputeForm)
        group.post("items/{id}/dispute", use: dispute)
        group.post("proposals", use: propose)
        group.get("payment_method", use: methodForm)
        group.post("payment_method", use: replaceMethod)
    }

    /// A visitor's request: the link resolved, the language chosen, the CSRF cookie in place;
    /// an unknown link is a 404 page, an engine error a page saying what happened.
    struct Visit {
        let visitor: PortalVisitor
        var frame: PortalFrame
        let account: PortalAccount
        let setCookie: String?
        let form: PortalForm?
    }

    func visit(
        _ request: Request, _ context: KontorRequestContext, post: Bool = false,
        _ body: (Visit) async throws -> Response
    ) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        var request = request
        let query = request.uri.queryParameters
        var language = query["lang"].flatMap { DocumentLanguage(rawValue: String($0)) }
        guard let visitor = try await portal.visitor(token: token) else {
            let l = language ?? .de
            let frame = PortalFrame(language: l, token: "", seller: "Kontor")
            return html(
                .notFound,
                pages.message(
                    title: PortalText.text("not_found_title", l), text: PortalText.text("not_found", l), frame: frame))
        }
        var form: PortalForm?
        if post {
            let bytes = try await request.collectBody(upTo: PortalForm.maxBytes + 1)
            form = PortalForm(bytes.readableBytesView)
            language = form?["lang"].flatMap(DocumentLanguage.init(rawValue:)) ?? language
        }
        let account = try await portal.account(visitor)
        let l = language ?? DocumentLanguage(locale: account.language)
        let (cookie, isNew) = PortalCSRF.cookie(in: request.headers[.cookie])
        var frame = PortalFrame(
            language: l, token: visitor.token, seller: account.sellerName, customer: account.customerName,
            supportEmail: account.supportEmail, csrf: PortalCSRF.field(cookie: cookie, token: visitor.token))
        if post {
            // A post without a form body, or whose CSRF field does not match its cookie, changes
            // nothing: the page says so and the visitor gets a fresh form.
            guard let f = form,
                PortalCSRF.accepts(field: f["csrf"], cookieHeader: request.headers[.cookie], token: token)
            else {
                frame.csrf = nil
                return html(
                    form == nil ? .badRequest : .forbidden,
                    pages.message(
                        title: PortalText.text(form == nil ? "bad_request_title" : "expired_title", l),
                        text: PortalText.text("expired", l), frame: frame))
            }
        }
        // No card number ever reaches Kontor: one typed into any field (a dispute message, the
        // IBAN field) is refused before anything looks at the form, and not shown again.
        if let f = form, f.fields.contains(where: { CardNumberGuard.containsCardNumber($0.value) }) {
            frame.csrf = nil
            return html(
                .unprocessableContent,
                pages.message(
                    title: PortalText.text("card_number_title", l), text: PortalText.text("card_number", l),
                    frame: frame))
        }
        let visit = Visit(
            visitor: visitor, frame: frame, account: account,
            setCookie: isNew ? PortalCSRF.setCookie(cookie, token: token, secure: secureCookies) : nil, form: form)
        do {
            var response = try await body(visit)
            if let c = visit.setCookie { response.headers[.setCookie] = c }
            return response
        } catch let e as EngineError {
            var frame = frame
            frame.csrf = nil
            switch e {
            case .notFound:
                return html(
                    .notFound,
                    pages.message(
                        title: PortalText.text("item_not_found_title", l), text: PortalText.text("item_not_found", l),
                        frame: frame))
            case .conflict(let text), .forbidden(let text):
                return html(
                    .conflict, pages.message(title: PortalText.text("conflict_title", l), text: text, frame: frame))
            default: throw e
            }
        }
    }

    func html(_ status: HTTPResponse.Status, _ body: String, location: String? = nil) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            .contentSecurityPolicy:
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ]
        if let location { headers[.location] = location }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func redirect(_ frame: PortalFrame, notice: String, item: String? = nil) -> Response {
        html(.seeOther, "", location: frame.url(query: "notice=\(notice)" + (item.map { "&item=\($0)" } ?? "")))
    }

    func item(_ visit: Visit, _ context: KontorRequestContext) throws -> PortalAccount.Item {
        let id = context.parameters.get("id") ?? ""
        guard let i = visit.account.items.first(where: { $0.id == id }) else {
            throw EngineError.notFound(resource: "open item", id: id)
        }
        return i
    }

    // MARK: pages

    @Sendable func account(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await visit(request, context) { v in
            let l = v.frame.language
            let q = request.uri.queryParameters
            let item = q["item"].map(String.init) ?? ""
            var number = v.account.items.first { $0.id == item }?.number
            if number == nil { number = try await portal.number(v.visitor, of: item) }
            let shown = number ?? ""
            let notice: String? =
                switch q["notice"].map(String.init) {
                case "disputed"?: PortalText.text("notice_disputed", l).replacingOccurrences(of: "%@", with: shown)
                case "paid"?: PortalText.text("notice_paid", l).replacingOccurrences(of: "%@", with: shown)
                case "debited"?: PortalText.text("notice_debited", l).replacingOccurrences(of: "%@", with: shown)
                case "proposed"?: PortalText.text("notice_proposed", l)
                case "method"?: PortalText.text("notice_method", l)
                default: nil
                }
            return html(.ok, pages.account(v.account, frame: v.frame, notice: notice))
        }
    }

    func download(_ request: Request, _ context: KontorRequestContext, _ syntax: DocumentService.Syntax) async throws
        -> Response
    {
        try await visit(request, context) { v in
            var r = InvoiceRoutes.document(
                try await portal.invoiceDocument(
                    v.visitor, invoiceID: context.parameters.get("id") ?? "", syntax: syntax))
            r.headers[.cacheControl] = "no-store"
            r.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
            return r
        }
    }

    @Sendable func statement(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await visit(request, context) { v in
            let text = request.uri.queryParameters["as_of"].map(String.init) ?? ""
            let day = LocalDate(text)
            guard text.isEmpty || day != nil, day.map({ $0 <= v.account.today }) ?? true else {
                let l = v.frame.language
                let message = l.pick(
                    "muss ein Datum bis heute (\(l.date(v.account.today))) sein",
                    "must be a date up to today (\(l.date(v.account.today)))")
                return html(
                    .unprocessableContent,
                    pages.account(
                        v.account, frame: v.frame, errors: [FieldError(field: "as_of", message: message)]))
            }
            var r = InvoiceRoutes.document(try await portal.statement(v.visitor, asOf: day))
            r.headers[.cacheControl] = "no-store"
            return r
        }
    }

    @Sendable func payForm(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await visit(request, context) { v in
            html(.ok, pages.pay(try item(v, context), account: v.account, frame: v.frame))
        }
    }

    /// The way to pay a payment form chose, or what is wrong with it (all at once), and the
    /// fields to show again.
    static func payment(_ f: PortalForm, _ l: DocumentLanguage) -> (
        payment: PortalPayment?, errors: [FieldError], echo: [String: String]
    ) {
        var echo = ["account_holder": f["account_holder"] ?? "", "iban": f["iban"] ?? ""]
        if f["mandate"] == "yes" { echo["mandate"] = "yes" }
        switch f["method"] {
        case "card":
            guard let token = f["card_token"], !token.isEmpty else {
                return (nil, [FieldError(field: "card", message: PortalText.text("choose_card_required", l))], echo)
            }
            return (.card(token: token), [], echo)
        case "sepa_debit":
            guard f["mandate"] == "yes" else {
                var errors: [FieldError] = []
                if (f["account_holder"] ?? "").trimmingWhitespace().isEmpty {
                    errors.append(FieldError(field: "account_holder", message: l.pick("ist anzugeben", "is required")))
                }
                if (try? IBAN(f["iban"] ?? "")) == nil {
                    errors.append(FieldError(field: "iban", message: Self.ibanMessage(f["iban"], l)))
                }
                errors.append(FieldError(field: "mandate", message: PortalText.text("mandate_required", l)))
                return (nil, errors, echo)
            }
            return (.sepaDebit(iban: f["iban"] ?? "", holder: f["account_holder"] ?? ""), [], echo)
        default:
            return (nil, [FieldError(field: "card", message: PortalText.text("choose_card_required", l))], echo)
        }
    }

    /// The engine's refusal of a payment method, said on the page.
    static func refusal(_ e: ValidationError, _ f: PortalForm, _ l: DocumentLanguage) -> [FieldError] {
        e.errors.map {
            switch $0.field {
            case "iban": FieldError(field: "iban", message: Self.ibanMessage(f["iban"], l))
            case "card": FieldError(field: "card", message: PortalText.text("choose_card_required", l))
            default: $0
            }
        }
    }

    @Sendable func pay(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await visit(request, context, post: true) { v in
            let f = v.form!
            let i = try item(v, context)
            let l = v.frame.language
            let (chosen, problems, echo) = Self.payment(f, l)
            guard let payment = chosen else {
                return html(
                    .unprocessableContent,
                    pages.pay(i, account: v.account, frame: v.frame, errors: problems, form: echo))
            }
            do {
                switch try await portal.pay(v.visitor, invoiceID: i.id, with: payment) {
                case .paid: return redirect(v.frame, notice: "paid", item: i.id)
                case .debited: return redirect(v.frame, notice: "debited", item: i.id)
                case .declined(let code):
                    return html(
                        .init(code: 402, reasonPhrase: "Payment Required"),
                        pages.pay(
                            i, account: v.account, frame: v.frame,
                            errors: [
                                FieldError(
                                    field: "card",
                                    message: PortalText.text("declined", l).replacingOccurrences(of: "%@", with: code))
                            ]))
                case .nothingCharged:
                    return html(
                        .conflict,
                        pages.message(
                            title: PortalText.text("conflict_title", l), text: PortalText.text("nothing_charged", l),
                            frame: v.frame))
                }
            } catch let e as ValidationError {
                return html(
                    .unprocessableContent,
                    pages.pay(i, account: v.account, frame: v.frame, errors: Self.refusal(e, f, l), form: echo))
            }
        }
    }

    @Sendable func methodForm(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await visit(request, context) { v in
            html(.ok, pages.method(try await portal.methodsOnFile(v.visitor), account: v.account, frame: v.frame))
        }
    }

    @Sendable func replaceMethod(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await visit(request, context, post: true) { v in
            let f = v.form!
            let l = v.frame.language
            let (chosen, problems, echo) = Self.payment(f, l)
            do {
                guard let payment = chosen else { throw ValidationError(problems) }
                _ = try await portal.replaceMethod(v.visitor, with: payment)
                return redirect(v.frame, notice: "method")
            } catch let e as ValidationError {
                return html(
                    .unprocessableContent,
                    pages.method(
                        try await portal.methodsOnFile(v.visitor), account: v.account, frame: v.frame,
                        errors: chosen == nil ? problems : Self.refusal(e, f, l), form: echo))
            }
        }
    }

    static func ibanMessage(_ text: String?, _ l: DocumentLanguage) -> String {
        l.pick(
            "„\(text ?? "")“ ist keine gültige IBAN (Länderkennung, Prüfziffer und Länge werden geprüft)",
            "“\(text ?? "")” is not a valid IBAN (country code, check digits and length are checked)")
    }

    @Sendable func disputeForm(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await visit(request, context) { v in
            html(.ok, pages.dispute(try item(v, context), frame: v.frame))
        }
    }

    @Sendable func dispute(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await visit(request, context, post: true) { v in
            let i = try item(v, context)
            let message = v.form!["message"] ?? ""
            do {
                _ = try await portal.dispute(v.visitor, invoiceID: i.id, message: message)
                return redirect(v.frame, notice: "disputed", item: i.id)
            } catch is ValidationError {
                return html(
                    .unprocessableContent,
                    pages.dispute(
                        i, frame: v.frame,
                        errors: [
                            FieldError(field: "message", message: PortalText.text("message_required", v.frame.language))
                        ],
                        form: ["message": message]))
            }
        }
    }

    @Sendable func propose(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await visit(request, context, post: true) { v in
            let f = v.form!
            let l = v.frame.language
            let invoices = f.all("invoices")
            let countText = f["instalments"] ?? ""
            let echo = [
                "instalments": countText, "first_due_date": f["first_due_date"] ?? "", "message": f["message"] ?? "",
            ]
            do {
                _ = try await portal.propose(
                    v.visitor, invoiceIDs: invoices, count: Int(countText.trimmingWhitespace()),
                    firstDueDate: f["first_due_date"], message: f["message"] ?? "")
                return redirect(v.frame, notice: "proposed")
            } catch let e as ValidationError {
                let errors = e.errors.map { Self.translated($0, l) }
                return html(
                    .unprocessableContent,
                    pages.account(v.account, frame: v.frame, errors: errors, form: echo, proposed: Set(invoices)))
            }
        }
    }

    /// The engine's messages are English; the German page says them in German.
    static func translated(_ e: FieldError, _ l: DocumentLanguage) -> FieldError {
        guard l == .de else { return e }
        let de: String? =
            switch e.field {
            case "invoices": "Bitte wählen Sie einen oder mehrere offene Posten (in einer Währung)."
            case "instalments": "Bitte geben Sie 2 bis 12 Monatsraten an."
            case "first_due_date":
                e.message.hasPrefix("must be from")
                    ? "Die erste Rate muss zwischen heute und in 30 Tagen liegen."
                    : "Bitte geben Sie ein Datum an."
            case "message": "Die Nachricht darf höchstens 1000 Zeichen haben."
            default: nil
            }
        return FieldError(field: e.field, message: de ?? e.message)
    }
}
