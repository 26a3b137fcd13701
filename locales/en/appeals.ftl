## Appeals against violations (bot/routers/appeals.py, actions/appeals.py)

appeals-menu = ⚖️ Appeal a violation
appeals-how = ⚖️ <b>How to appeal a violation</b>
    If you believe a violation was recorded in error (you were not there, the car was not yours at the time, the sign was hidden...), you can appeal it here:
    1. Link your identity, then choose the violation from the list of your vehicles' violations.
    2. Explain why you dispute it ({ $min } to { $max } characters).
    3. Add up to { $photos } photos as evidence (a parking receipt, a photo of the sign, a sales contract...), or skip.
    4. Submit: the traffic police review it and you are told the decision here.
    While the appeal is open the violation cannot be paid and the late-payment surcharge does not grow. If the appeal is accepted the violation is cancelled (no fine, no points); if it is rejected you are told why, and you can still pay or apply for administrative reconsideration.
appeals-none = You have no violation that can be appealed: paid and cancelled violations cannot be.
appeals-choose = Choose the violation you dispute:
appeals-all-pending = Your violations below already have an appeal being reviewed.
appeals-pending-mark = ⚖️ appeal under review: payment and the surcharge are on hold
appeals-button-pick = ⚖️ Appeal no. { $n } ({ $plate })
appeals-violation = { $time } · <b>{ $plate }</b> · { $behaviour } · { $place } · ¥{ $fine }, { $points } points
appeals-chosen = ⚖️ You are appealing this violation:
    { $violation }
appeals-ask-reason = Why do you dispute it? Please explain in { $min } to { $max } characters, e.g. <i>My car was parked in my company's garage at that time; the plate in the photo is not mine.</i> /cancel leaves.
appeals-error-short = Please explain a little more (at least { $min } characters; you wrote { $length }).
appeals-error-long = That is too long: please keep it under { $max } characters (you wrote { $length }).
appeals-ask-photos = Thank you. Now send up to { $max } photos as evidence, one at a time (you have { $count }), or skip this step.
appeals-photo-kept = 📷 Photo { $count } of { $max } kept. Send another, or press Done.
appeals-photo-kept-ask-reason = 📷 Photo { $count } kept. Now please type why you dispute the violation ({ $min } to { $max } characters).
appeals-error-photos = Please send a photo, or press the button when you are done (photos so far: { $count } of { $max }).
appeals-error-photos-max = You have already added { $max } photos, the most an appeal can carry. Press Done to continue.
appeals-form-kept = Your appeal form is still open; please answer the question above, or /cancel.
appeals-button-photos-done = ✅ Done
appeals-button-photos-skip = ⏭ No photos
appeals-button-submit = 📨 Submit the appeal
appeals-button-cancel = ✖️ Cancel
appeals-summary = ⚖️ <b>Your appeal</b>
    Violation: { $violation }
    Reason: { $reason }
    Photos: { $photos }
    Submit it?
appeals-cancelled = The appeal was cancelled; nothing was submitted.
appeals-filed = 📨 Your appeal was submitted.
    { $violation }
    Photos: { $photos }
    While it is reviewed this violation cannot be paid and the late-payment surcharge is paused. You will be told the decision here.
appeals-refused-not-found = That violation was not found among your vehicles' violations.
appeals-refused-paid = That violation is already paid, so it can no longer be appealed here. You may apply for administrative reconsideration within 60 days of the decision.
appeals-refused-cancelled = That violation has been cancelled: there is nothing to appeal.
appeals-refused-pending = An appeal of that violation is already being reviewed. You will be told the decision here.
