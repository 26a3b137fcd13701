## Move my car (bot/routers/move_car.py, actions/move_car.py, push/render.py)

move-menu = 🚗 Move my car
move-intro = 🚗 <b>Move my car</b>
    A vehicle is blocking yours? Give its plate, where you are, 1 to 3 photos and the reason: its owner is told by this service, without seeing your name or phone number (nor you theirs). Requests left this month: { $left } of { $per_month }.
move-ask-plate = What is the plate of the vehicle that blocks you? For example 京A12345 (new-energy: 京AD12345). /cancel leaves.
move-ask-place = Where is { $plate }? Type the place (street, number, car park, level...) or press "📍 Share my location".
move-button-share-location = 📍 Share my location
move-place-coordinates = location { $lat }, { $lon }
move-error-place-short = Please describe the place a little more (at least { $min } characters).
move-error-place-long = That is too long for a place: please keep it under { $max } characters.
move-place-noted = 📍 Place noted.
move-ask-photos = Now send 1 to { $max } photos showing the vehicle and how it blocks you, one at a time.
move-photo-kept = 📷 Photo { $count } of { $max } kept. Send another, or press Done.
move-error-photos-needed = At least one photo of the vehicle is needed: please send a photo (up to { $max }).
move-error-not-photo = That is not a photo. Please send a picture of the vehicle as a photo (not a file, sticker or voice message).
move-error-photos-max = You have already added { $max } photos, the most a request can carry. Press Done to continue.
move-ask-reason = Why does it need to be moved? Choose one or type it in a few words.
move-reason-exit = It blocks my way out
move-reason-garage = It blocks my garage or parking space
move-reason-lane = It blocks a lane or a fire exit
move-error-reason-short = Please say a little more (at least { $min } characters).
move-error-reason-long = That is too long: please keep it under { $max } characters.
move-summary = 🚗 <b>Your request</b>
    Plate: <b>{ $plate }</b>
    Place: { $place }
    Photos: { $photos }
    Reason: { $reason }
    Send it to the owner?
move-button-submit = 📨 Send the request
move-button-cancel = ✖️ Cancel
move-button-photos-done = ✅ Done
move-button-status = 🔄 Status
move-button-again = 🔔 Notify again
move-button-photos = 📷 Photos
move-button-coming = 🚶 Coming
move-button-not-mine = 🚫 Not my car
move-button-abuse = ⚠️ Report abuse
move-cancelled = Request cancelled: nothing was sent.
move-cancelled-menu = What else can I help with?
move-form-kept = Your request is still open; please answer the question above, or /cancel.
move-form-incomplete = Something was missing from the request, so nothing was sent. Please start again.
move-sent = ✅ Request recorded: the owner of <b>{ $plate }</b> has been notified. You will be told here when they answer. If nothing happens, you can notify them again after { $minutes } minutes.
move-unreachable = ✅ Request recorded for <b>{ $plate }</b>. The owner of this vehicle cannot be reached through this service. Please call the traffic police on <b>{ $phone }</b>: they can contact the owner or send help.
move-status-waiting = ⏳ <b>{ $plate }</b>: waiting for the owner's answer (notified { $rounds } { $rounds ->
        [one] time
       *[other] times
    }, last at { $time }).
move-status-coming = 🚶 <b>{ $plate }</b>: the owner is coming to move it.
move-status-not-mine = 🚫 <b>{ $plate }</b>: the person told says it is not their vehicle. If you are still blocked, please call the traffic police on <b>{ $phone }</b>.
move-sent-again = 🔔 The owner of <b>{ $plate }</b> has been notified again.
move-again-wait = You can notify the owner again in { $minutes } { $minutes ->
        [one] minute
       *[other] minutes
    }.
move-not-found = This request cannot be found.
move-refused-quota = You have made the most move-my-car requests allowed this month ({ $per_month }). For help now, please call the traffic police on 122.
move-refused-blocked = Move my car is not available to you: owners reported your requests as abusive. If you think this is a mistake, please ask a person (💬 Consultations & complaints) or call 122.
move-reply-coming = 🚶 Thank you: the person waiting is told you are coming to move <b>{ $plate }</b>.
move-reply-not-mine = Thank you: the person waiting is told that <b>{ $plate }</b> is not yours to move.
move-reply-abuse = Thank you: the report is recorded. Requesters reported repeatedly are blocked from the service.
move-reply-already = This request was already answered: { $answer }.
move-answer-coming = coming
move-answer-not_mine = not my car
move-answer-abuse = reported as abuse
move-answer-notified = waiting
move-answer-unreachable = not reachable
move-photo-caption = 📷 { $n }/{ $count }
move-photo-gone = Photo { $n } is no longer available.

## The push notifications (push/render.py)

push-type-move_car_request = Move my car: requests
push-type-move_car_answer = Move my car: answers
push-move-request = 🚗 <b>Please move your vehicle { $plate }</b>
    Someone is blocked by it and asks you to move it.
    Place: { $place }
    Reason: { $reason }
    Photos: { $photos }
    Please answer below. Your name and phone number are not shared.
push-move-request-again = 🔔 <b>Reminder: please move your vehicle { $plate }</b>
    Place: { $place }
    Reason: { $reason }
    Photos: { $photos }
push-move-answer-coming = 🚶 The owner of <b>{ $plate }</b> is coming to move it.
push-move-answer-not_mine = 🚫 The person told says <b>{ $plate }</b> is not their vehicle. If you are still blocked, please call the traffic police on 122.

## The staff console (staff/move_car.py)

staff-move-nav = Move my car
staff-move-title = Move my car: blocked requesters
staff-move-hint = A citizen whose requests owners reported as abuse { $n } times cannot use move my car until the block is lifted here.
staff-move-reports = Abuse reports
staff-move-blocked-at = Blocked since
staff-move-lift = Lift the block
staff-move-none = Nobody is blocked.
staff-move-lifted = Block lifted: the citizen can use move my car again.
staff-move-not-blocked = This citizen is not blocked (any more).
