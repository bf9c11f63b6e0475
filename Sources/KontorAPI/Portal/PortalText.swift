import KontorDocuments

/// The portal's words in German and English: every label the templates show, by key.
enum PortalText {
    static let entries: [String: (de: String, en: String)] = [
        "skip": ("Zum Inhalt springen", "Skip to content"),
        "account_of": ("Kundenkonto von", "Account of"),
        "navigation": ("Navigation", "Navigation"),
        "overview": ("Übersicht", "Overview"),
        "footer": (
            "Fragen zu Ihrem Konto? Schreiben Sie uns:", "Questions about your account? Write to us:"
        ),
        "errors_title": ("Bitte prüfen Sie Ihre Eingaben", "Please check what you entered"),
        "summary": ("Kontostand", "Balance"),
        "open_total": ("Offen", "Open"),
        "overdue_total": ("Davon überfällig", "Of which overdue"),
        "nothing_open": ("Nichts offen – vielen Dank!", "Nothing open – thank you!"),
        "credit": ("Guthaben", "Credit"),
        "dunning_stage": ("Mahnstufe", "Dunning stage"),
        "no_dunning": ("keine", "none"),
        "open_items": ("Offene Posten", "Open items"),
        "number": ("Nummer", "Number"),
        "issue_date": ("Datum", "Date"),
        "due_date": ("Fällig am", "Due on"),
        "open_amount": ("Offen", "Open"),
        "standing": ("Stand", "Status"),
        "actions": ("Aktionen", "Actions"),
        "pay": ("Bezahlen", "Pay"),
        "dispute": ("Beanstanden", "Dispute"),
        "standing_open": ("offen", "open"),
        "standing_overdue": ("überfällig seit %d Tagen", "overdue for %d days"),
        "standing_disputed": ("beanstandet – Mahnungen ruhen", "disputed – reminders paused"),
        "standing_in_plan": ("in Ratenzahlung", "in an instalment plan"),
        "statement": ("Kontoauszug", "Account statement"),
        "as_of": ("Stand zum", "As of"),
        "download_statement": ("Kontoauszug herunterladen (PDF)", "Download statement (PDF)"),
        "propose_plan": ("Ratenzahlung vorschlagen", "Propose an instalment plan"),
        "propose_intro": (
            "Sie können nicht alles auf einmal zahlen? Schlagen Sie monatliche Raten vor; wir antworten Ihnen.",
            "Cannot pay it all at once? Propose monthly instalments; we will answer you."
        ),
        "which_items": ("Welche Posten?", "Which items?"),
        "instalment_count": ("Anzahl Monatsraten (2 bis 12)", "Number of monthly instalments (2 to 12)"),
        "first_due": ("Erste Rate am", "First instalment on"),
        "message_optional": ("Nachricht (freiwillig)", "Message (optional)"),
        "send_proposal": ("Vorschlag senden", "Send proposal"),
        "your_proposals": ("Ihre Vorschläge", "Your proposals"),
        "monthly": ("Monatsraten", "monthly instalments"),
        "from": ("ab", "from"),
        "proposal_pending": ("wartet auf Antwort", "awaiting an answer"),
        "proposal_accepted": ("angenommen", "accepted"),
        "proposal_declined": ("abgelehnt", "declined"),
        "pay_title": ("Posten bezahlen", "Pay an item"),
        "paying": ("Sie bezahlen", "You are paying"),
        "due_on": ("fällig am", "due on"),
        "by_card": ("Mit Karte", "By card"),
        "choose_card": ("Karte", "Card"),
        "sandbox_hint": (
            "Testmodus: Die Kartendaten gibt der Zahlungsdienstleister ein; hier wählen Sie eine Testkarte.",
            "Test mode: the payment provider takes the card details; choose a test card here."
        ),
        "pay_now": ("Jetzt bezahlen:", "Pay now:"),
        "by_sepa": ("Per SEPA-Lastschrift", "By SEPA direct debit"),
        "account_holder": ("Kontoinhaber", "Account holder"),
        "pay_by_debit": ("Lastschrift erteilen:", "Authorise the debit:"),
        "mandate": (
            "Ich ermächtige %@, diese Zahlung von meinem Konto mittels Lastschrift einzuziehen. Zugleich weise ich mein Kreditinstitut an, die Lastschrift einzulösen. Ich kann innerhalb von acht Wochen, beginnend mit dem Belastungsdatum, die Erstattung verlangen.",
            "I authorise %@ to collect this payment from my account by direct debit, and my bank to pay it. I am entitled to a refund from my bank within eight weeks of the debit."
        ),
        "method_title": ("Zahlungsart ändern", "Change how you pay"),
        "on_file": ("Hinterlegt", "On file"),
        "default_method": ("wird für Ihre Rechnungen genutzt", "used for your invoices"),
        "expires": ("gültig bis", "valid until"),
        "replace_intro": (
            "Hinterlegen Sie eine neue Karte oder ein SEPA-Lastschriftmandat; wir nutzen es ab sofort für Ihre Rechnungen.",
            "Add a new card or a SEPA direct debit mandate; we will use it for your invoices from now on."
        ),
        "save_card": ("Karte hinterlegen", "Save card"),
        "save_mandate": ("Mandat erteilen", "Authorise the mandate"),
        "change_method": ("Zahlungsart ändern", "Change how you pay"),
        "notice_method": (
            "Danke! Ihre neue Zahlungsart ist hinterlegt.", "Thank you! Your new way to pay is saved."
        ),
        "dispute_title": ("Posten beanstanden", "Dispute an item"),
        "dispute_intro": (
            "Sie beanstanden %@. Schreiben Sie uns, was nicht stimmt: Bis wir es geklärt haben, mahnen wir diesen Posten nicht.",
            "You are disputing %@. Tell us what is wrong: until we have settled it, we send no reminders for this item."
        ),
        "your_message": ("Ihre Nachricht", "Your message"),
        "send_dispute": ("Beanstandung senden", "Send dispute"),
        "account_title": ("Ihr Kundenkonto", "Your account"),
        "notice_disputed": (
            "Danke, Ihre Nachricht zu %@ ist bei uns. Bis zur Klärung ruhen die Mahnungen für diesen Posten.",
            "Thank you, we have your message about %@. Reminders for it are paused until it is settled."
        ),
        "notice_paid": ("Danke! %@ ist bezahlt.", "Thank you! %@ is paid."),
        "notice_debited": (
            "Danke! Die Lastschrift für %@ ist erteilt; wir ziehen den Betrag ein.",
            "Thank you! The debit for %@ is authorised; we will collect it."
        ),
        "notice_proposed": (
            "Danke, Ihr Vorschlag ist bei uns. Wir antworten Ihnen per E-Mail.",
            "Thank you, we have your proposal and will answer you by e-mail."
        ),
        "declined": (
            "Die Zahlung wurde abgelehnt (%@). Bitte wählen Sie eine andere Zahlungsart.",
            "The payment was declined (%@). Please choose another way to pay."
        ),
        "nothing_charged": (
            "Für diesen Posten läuft bereits eine Zahlung, oder er ist beglichen.",
            "A payment for this item is already under way, or it is settled."
        ),
        "not_found_title": ("Link ungültig", "Link not valid"),
        "not_found": (
            "Dieser Link ist ungültig oder wurde widerrufen. Bitte nutzen Sie den Link aus unserer letzten E-Mail oder fragen Sie uns nach einem neuen.",
            "This link is not valid or was revoked. Please use the link in our latest e-mail, or ask us for a new one."
        ),
        "item_not_found_title": ("Posten nicht gefunden", "Item not found"),
        "item_not_found": (
            "Diesen Posten gibt es in Ihrem Konto nicht (mehr).", "This item is not (or no longer) in your account."
        ),
        "expired_title": ("Formular abgelaufen", "Form expired"),
        "expired": (
            "Das Formular ist abgelaufen oder kam nicht von dieser Seite. Bitte laden Sie die Seite neu und senden Sie es noch einmal. Es wurde nichts gespeichert.",
            "The form expired or did not come from this page. Please reload the page and send it again. Nothing was saved."
        ),
        "card_number_title": ("Bitte keine Kartennummer", "Please no card number"),
        "card_number": (
            "Ihre Eingabe enthält etwas, das wie eine Kartennummer aussieht. Kartennummern nehmen wir nie entgegen; es wurde nichts gespeichert. Bitte gehen Sie zurück und lassen Sie sie weg.",
            "What you entered contains something that looks like a card number. We never take card numbers; nothing was saved. Please go back and leave it out."
        ),
        "conflict_title": ("Nicht möglich", "Not possible"),
        "bad_request_title": ("Ungültige Anfrage", "Invalid request"),
        "field_invoices": ("Posten", "Items"),
        "field_instalments": ("Anzahl Raten", "Number of instalments"),
        "field_first_due_date": ("Erste Rate", "First instalment"),
        "field_message": ("Nachricht", "Message"),
        "field_card": ("Karte", "Card"),
        "field_iban": ("IBAN", "IBAN"),
        "field_account_holder": ("Kontoinhaber", "Account holder"),
        "field_mandate": ("Mandat", "Mandate"),
        "field_as_of": ("Stand zum", "As of"),
        "mandate_required": (
            "Bitte bestätigen Sie das Lastschriftmandat.", "Please confirm the direct debit mandate."
        ),
        "choose_card_required": ("Bitte wählen Sie eine Karte.", "Please choose a card."),
        "message_required": (
            "Bitte schreiben Sie, was nicht stimmt (bis 500 Zeichen).",
            "Please say what is wrong (up to 500 characters)."
        ),
    ]

    /// All labels in `language`, for a template's `t.…`.
    static func labels(_ language: DocumentLanguage) -> [String: String] {
        entries.mapValues { language == .de ? $0.de : $0.en }
    }

    static func text(_ key: String, _ language: DocumentLanguage) -> String {
        guard let e = entries[key] else { return key }
        return language == .de ? e.de : e.en
    }
}
