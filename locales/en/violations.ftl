## Violations of the citizen's vehicles

violations-menu = 🚦 Violations
violations-title = 🚦 <b>Violations</b> of { $plates }
violations-totals = Total { $total } · unprocessed { $unprocessed } · fines due ¥{ $fine } · points pending { $points }
violations-page = Page { $page } of { $pages }, newest first
violations-item = <b>{ $n }.</b> { $time } · { $plate }
    📍 { $place }
    { $behaviour }
    ¥{ $fine } · { $points ->
        [one] 1 point
       *[other] { $points } points
    } · { $status }
violations-status-unprocessed = ⏳ unprocessed
violations-status-processed = 🧾 processed, fine not paid
violations-status-paid = ✅ paid
violations-status-cancelled = ✖️ cancelled (appeal accepted)
violations-appeal-pending = ⚖️ appeal under review: it cannot be paid now and the late-payment surcharge is paused
violations-appeal-rejected = ⚖️ appeal rejected
violations-next-unprocessed = <b>Next step:</b> handle the unprocessed violations and pay their fines right here with "💳 Handle and pay fines" (several together, in Telegram or on the bureau's payment page).
violations-next-pay = <b>Next step:</b> pay the fines that are due right here with "💳 Handle and pay fines", within 15 days of the decision to avoid the late-payment surcharge.
violations-none = ✅ No violations on record for { $plates }.
violations-no-vehicles = There are no vehicles registered in your name and none added, so there are no violations to show. You can add another vehicle with its plate and engine number from "My vehicles".
violations-plate-unknown = That vehicle is not among yours. Add it first with its plate and engine number from "My vehicles".
violations-button-previous = ◀ Previous
violations-button-next = Next ▶
violations-button-all = All vehicles
violations-button-vehicles = 🚗 My vehicles
