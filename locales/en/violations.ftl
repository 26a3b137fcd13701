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
violations-next-unprocessed = <b>Next step:</b> unprocessed violations can be handled in the 12123 app or at a traffic police window; after that, pay the fine online or at a bank.
violations-next-pay = <b>Next step:</b> pay the fines that are due, in the 12123 app or at a bank, within 15 days of processing to avoid late fees.
violations-none = ✅ No violations on record for { $plates }.
violations-no-vehicles = There are no vehicles registered in your name and none added, so there are no violations to show. You can add another vehicle with its plate and engine number from "My vehicles".
violations-plate-unknown = That vehicle is not among yours. Add it first with its plate and engine number from "My vehicles".
violations-button-previous = ◀ Previous
violations-button-next = Next ▶
violations-button-all = All vehicles
violations-button-vehicles = 🚗 My vehicles
