## Handle and pay violations (bot/routers/payments.py), receipts (actions/payments/receipt.py)

payments-menu = 💳 Handle and pay fines
payments-none = ✅ Nothing to handle or pay: every violation of your vehicles is paid.
payments-choose-title = 💳 <b>Handle and pay</b>
payments-choose-hint = Tick the violations to handle and pay together (one payment), then press Continue. Amounts are what is due today.
payments-choose-item = { $mark } <b>{ $n }.</b> { $time } · { $plate } · { $behaviour } · { $status }
payments-choose-more = { $count ->
        [one] One more violation is waiting; pay these first, then the rest.
       *[other] { $count } more violations are waiting; pay these first, then the rest.
    }
payments-amount = Fine ¥{ $fine } · { $points ->
        [one] 1 point
       *[other] { $points } points
    }
payments-amount-surcharge = Fine ¥{ $fine } + late-payment surcharge ¥{ $surcharge } ({ $days ->
        [one] 1 day
       *[other] { $days } days
    } late) = <b>¥{ $total }</b> · { $points ->
        [one] 1 point
       *[other] { $points } points
    }
payments-button-all = Select all
payments-button-next = Continue ({ $count }) ▶
payments-button-cancel = ✖ Cancel
payments-button-back = ◀ Back
payments-cancelled = Cancelled: nothing was handled or charged.
payments-decision-title = 📄 <b>Penalty decision to accept</b>
payments-decision-item = <b>{ $n }.</b> { $time } · { $plate } (code { $code })
    📍 { $place }
    { $behaviour }
payments-surcharge-rule = ⚠️ Paid more than 15 days after the decision: a late-payment surcharge of 3 % of the fine per day applies, never more than the fine (Administrative Penalty Law, art. 72).
payments-decided-on = Already handled: decision of { $day }.
payments-decision-total = <b>Total to pay: ¥{ $total }</b> (of which late-payment surcharge ¥{ $surcharge })
payments-decision-license = Points go to driver's license { $number } (class { $license_class }): +{ $points }, from { $before } to <b>{ $after }</b> of 12 in this scoring cycle.
payments-decision-suspends = ⛔ This reaches { $limit } points: the license is suspended at once, and you attend the full-score education (study and a theory test) to get it back.
payments-decision-confirm = By accepting, you agree with the decision; the points are recorded now. Then pay within 15 days to avoid the late-payment surcharge.
payments-button-telegram = ✅ Accept and pay in Telegram
payments-button-gateway = ✅ Accept and pay on the payment page
payments-button-open-page = 💳 Pay ¥{ $total }
payments-button-license = 🪪 My license
payments-invoice-title = Traffic fines
payments-invoice-description = Order { $order }: { $count ->
        [one] 1 traffic violation
       *[other] { $count } traffic violations
    }, fines and late-payment surcharges, to the traffic management bureau.
payments-invoice-fine = Fine { $plate }
payments-invoice-surcharge = Late-payment surcharge { $plate }
payments-order-made = ✅ Handled. Order <code>{ $order }</code>, total <b>¥{ $total }</b>:
payments-points-now = Your license now has { $points } of 12 points in this cycle ({ $left } left).
payments-pay-invoice = Pay with the invoice in this chat. The receipt comes here.
payments-pay-page = Pay on the bureau's payment page within { $minutes } minutes. The receipt comes here as soon as the payment is confirmed.
payments-not-recorded = ⚠️ We could not match this payment to an order. Nothing is lost: it is checked by the bureau and you are told the outcome here.
payments-refused-not_found = That violation was not found among your vehicles' violations.
payments-refused-no_license = Handling records the points against your own driver's license, and there is no license in your name. Please handle it at a traffic police window.
payments-refused-paid = That violation is paid already.
payments-refused-cancelled = That violation was cancelled: there is nothing to pay.
payments-refused-appeal_pending = An appeal of that violation is open: it cannot be paid until the appeal is decided, and the late-payment surcharge does not grow meanwhile.
payments-refused-in_progress = A payment of that violation is already under way. Finish it, or try again once it has expired (you are told here).
payments-refused-expired = This payment has expired. Start again from "Handle and pay" (nothing was charged).
payments-refused-amount_changed = The amount due has changed since the order was made. Start again from "Handle and pay" (nothing was charged).
payments-refused-unavailable = That way of paying is not available right now. Please try the other one, or again later.
payments-refused-nothing = Tick at least one violation first.
payments-refused-too_many = At most 10 violations can be paid together.
payments-provider-telegram = Telegram Payments
payments-provider-gateway = the bureau's payment page
payments-line = • { $plate } · { $behaviour }: fine ¥{ $fine }
payments-line-surcharge = • { $plate } · { $behaviour }: fine ¥{ $fine } + surcharge ¥{ $surcharge } ({ $days ->
        [one] 1 day
       *[other] { $days } days
    } late)
payments-receipt-title = 🧾 <b>Receipt</b>
payments-receipt-paid = Paid <b>¥{ $total }</b> on { $time } with { $provider }:
payments-receipt-surcharge = Late-payment surcharge included: ¥{ $surcharge }
payments-receipt-order = Order: <code>{ $order }</code>
payments-receipt-charge = Charge id: <code>{ $charge }</code>
payments-receipt-provider-charge = Provider charge id: <code>{ $charge }</code>
payments-receipt-refund = ⚠️ { $count ->
        [one] One violation
       *[other] { $count } violations
    } of this order could no longer be paid (paid another way or cancelled meanwhile): that part is refunded to you.
payments-receipt-points = License: { $points } of 12 points in this scoring cycle ({ $left } left). The violations are marked paid on your vehicles.
payments-receipt-points-limit = License: 12 of 12 points: it is suspended. See "My license" for what to do.
payments-outcome-paid = ✅ Order { $order } (¥{ $total }) is paid.
payments-outcome-declined = ❌ The payment of order { $order } (¥{ $total }) was declined. Nothing was charged and the violations are still unpaid: you can pay again from "Handle and pay".
payments-outcome-expired = ⌛ Order { $order } (¥{ $total }) was not paid in time and is closed. Nothing was charged and the violations are still unpaid: you can pay again from "Handle and pay".
payments-outcome-refund_due = ⚠️ Order { $order } (¥{ $total }) was paid, but some violations could no longer take the payment; that part is refunded.
payments-outcome-unknown = 💳 There is news about one of your payments: open "Handle and pay" to see where your violations stand.
payments-history-paid = 🧾 paid ¥{ $total } on { $time } · order { $order } · charge { $charge }
payments-history-paid-surcharge = 🧾 paid ¥{ $total } (late-payment surcharge ¥{ $surcharge } included) on { $time } · order { $order } · charge { $charge }
payments-mini-summary = Accept the decision on { $count } violation(s) and pay ¥{ $total } (late-payment surcharge included: ¥{ $surcharge }) on the bureau's payment page?
payments-mini-points = { $points } point(s) go to your license: { $before } → { $after } of 12.
payments-mini-suspends = That reaches 12: the license is suspended at once.
