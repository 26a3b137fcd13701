## Complaints: filing, status, "my complaints", rating (bot/routers/complaints.py)

complaints-menu-file = 📝 File a complaint
complaints-menu-mine = 📂 My complaints
complaints-menu-find = 🔎 Find by ticket number
complaints-menu-rate = ⭐ Rate the resolution

complaints-topic-road-facilities = Road facilities and signals
complaints-topic-illegal-parking = Illegal parking
complaints-topic-congestion = Congestion
complaints-topic-officer-conduct = Officer conduct
complaints-topic-window-service = Window service
complaints-topic-app-hotline = App or hotline
complaints-topic-other = Other

complaints-status-new = received
complaints-status-acknowledged = acknowledged
complaints-status-in-progress = being handled
complaints-status-resolved = resolved
complaints-status-closed = closed

complaints-value-none = —
complaints-place-location = 📍 shared location ({ $lat }, { $lon })
complaints-place-placeholder = Street, crossing or landmark

complaints-button-cancel = ❌ Cancel
complaints-button-share-location = 📍 Share my location
complaints-location-label = That is the button's label, not a place: this Telegram app cannot send a location. Please type the place instead (a road, a crossing or a landmark), or press the button in Telegram on a phone.
complaints-button-photos-done = ✅ Done
complaints-button-photos-skip = ⏭ Skip photos
complaints-button-submit = ✅ Submit
complaints-button-edit = ✏️ Edit a field
complaints-button-back-summary = ⬅️ Back to the summary
complaints-button-view = 📄 View the complaint
complaints-button-prev = ⬅️ Newer
complaints-button-next = Older ➡️
complaints-button-skip-comment = ⏭ No comment
complaints-field-topic = Topic
complaints-field-place = Place
complaints-field-description = Description
complaints-field-photos = Photos

complaints-intro =
    📝 <b>File a complaint</b> — a few short questions; /cancel leaves at any time, nothing is sent before you confirm.
    { $known }
complaints-known-topic = • Topic: { $topic }
complaints-known-place = • Place: { $place }
complaints-known-plate = • Plate: { $plate }
complaints-known-photos = • Photos: { $count } attached
complaints-known-description = • What happened: { $description }
complaints-intro-described =
    📝 <b>That sounds like something to report.</b> I can file it for you: a few short questions; /cancel leaves at any time, nothing is sent before you confirm.
    { $known }

complaints-ask-topic = What is the complaint about? Choose a topic:
complaints-ask-place = Where did it happen? Type the street, crossing or landmark, or press “📍 Share my location”.
complaints-ask-description = Please describe what happened ({ $min } to { $max } characters): what, when, and anything that helps us act.
complaints-ask-photos = { $count ->
        [0] You may add up to { $max } photos: send them now, or skip.
       *[other] Photo { $count } of { $max } received. Send more, or press Done.
    }

complaints-topic-chosen = Topic: <b>{ $topic }</b>
complaints-place-noted = 📍 Place: { $place }
complaints-plate-noted = 🚗 Plate noted: <b>{ $plate }</b>
complaints-plate-noted-ask-place = 🚗 Plate noted: <b>{ $plate }</b>. Now, where did it happen?
complaints-photo-kept = 📷 Photo kept ({ $count } of { $max }).
complaints-form-kept = I can't use a { $kind ->
        [sticker] sticker
        [voice] voice message
        [video] video
        [video_note] video message
        [animation] GIF
        [document] file
       *[other] message of this kind
    } here. Your complaint is kept; please answer the question below (or /cancel).

complaints-error-topic = Please choose one of the topics below (or describe it in a few words, e.g. “illegal parking”).
complaints-error-place-short = Please name the place in a few words, e.g. “Jianguo Road and East 3rd Ring crossing”, or share your location.
complaints-error-place-long = That is { $length } characters; please name the place in at most { $max }, e.g. “Jianguo Road and East 3rd Ring crossing”.
complaints-error-description-short = That is too short ({ $length } characters): please write at least { $min }, e.g. “Cars park on the bike lane every evening from 18:00.”
complaints-error-description-long = That is { $length } characters; the limit is { $max }. Please shorten it — your complaint is kept, and photos can be added next.
complaints-error-photos = Please send a photo, or press the button below ({ $count } of { $max } so far).
complaints-error-photos-max = You have already attached { $max } photos, the maximum.
complaints-error-confirm = Please submit, edit a field or cancel with the buttons below.
complaints-edit-choose = Which field do you want to change?

complaints-summary =
    <b>Please check your complaint</b>
    Topic: { $topic }
    Place: { $place }
    Plate: { $plate }
    Photos: { $photos }
    Description: { $description }
complaints-cancelled = Complaint cancelled. Nothing was submitted.

complaints-filed =
    ✅ <b>Your complaint is registered.</b>
    Ticket number: <b>{ $ticket }</b> (keep it to follow your complaint)
    We will acknowledge it by { $acknowledge_by } and answer by { $answer_by }.

complaints-deadline-acknowledge = Acknowledgement due by { $at }
complaints-deadline-answer = Answer due by { $at }
complaints-deadline-done = Completed { $at }

complaints-history-created = { $at } · filed
complaints-history-status = { $at } · { $status }
complaints-history-status-text = { $at } · { $status }: { $text }
complaints-history-reply = { $at } · reply: { $text }
complaints-history-rated = { $at } · you rated { $stars }

complaints-view =
    📄 <b>Complaint { $ticket }</b> — { $status }
    Topic: { $topic }
    Place: { $place }
    Plate: { $plate } · Photos: { $photos }
    Filed: { $filed } · { $deadline }
    Description: { $description }
    <b>History</b>
    { $history }
    { $rating }
complaints-view-rating = Your rating: { $stars }
complaints-not-found = I found no complaint of yours with the number { $ticket }. Please check the number, or open your complaints below.
complaints-ask-ticket = Please send the ticket number, e.g. C261121-0042.

complaints-list-title = 📂 <b>Your complaints</b> (page { $page }, newest first)
complaints-list-item =
    <b>{ $ticket }</b> · { $topic } · { $status }
    Filed { $filed } · { $deadline }
    Latest: { $latest } ({ $entries } updates)
complaints-list-empty = You have not filed any complaint yet.

complaints-rate-button = { $stars } ⭐
complaints-rate-ask = How satisfied are you with the resolution of complaint { $ticket }? 1 = not at all, 5 = fully.
complaints-rate-ask-comment = You chose { $stars }. Add a comment if you like (up to { $max } characters), or press “No comment”.
complaints-rate-comment-text = Please write your comment as text, or press “No comment”.
complaints-error-comment-long = That is { $length } characters; a comment can have at most { $max }. Please shorten it.
complaints-rate-thanks = Thank you! Your rating { $stars } for complaint { $ticket } is recorded.
complaints-rate-already = You already rated complaint { $ticket }: { $stars }. Thank you!
complaints-rate-not-yet = Complaint { $ticket } is { $status }; you can rate it once it is resolved.

## Reporting without a linked identity (issue 15)
complaints-contact-ask =
    Anyone can report a problem; no ID card or passport is needed. How should we answer you?
    • <b>Verify a phone number</b>: we send a code once; the answer comes here in this chat.
    • <b>Anonymously</b>: nothing about you is kept, and <b>you will get no answer</b>.
complaints-button-contact-phone = 📱 Verify a phone number
complaints-button-contact-anonymous = 🕶 Report anonymously (no answer)
complaints-contact-choose = Please choose one of the buttons: a verified phone number, or anonymous.
complaints-contact-phone-ask = Please type your mobile number (11 digits, e.g. 13812345678). We send a 6-digit code to confirm it; it is used only to answer this report.
complaints-contact-code-sent = We sent a 6-digit code to { $phone } (valid { $minutes } minutes). Type it here, or /cancel to leave.
complaints-contact-too-soon = A code was sent less than a minute ago. Please wait { $seconds } seconds and type the number again.
complaints-contact-code-expired = The code has expired. Type the number again to get a new one.
complaints-contact-sms = [Traffic Management] Your code to confirm the number for your report is { $code }, valid { $minutes } minutes. Never share it with anyone.
complaints-contact-verified = ✅ Number { $phone } confirmed: the answer to your report will come here.
complaints-contact-anonymous = 🕶 Anonymous report: nothing about you is kept, and you will get no answer.
complaints-summary-contact-phone = Answer: here in this chat (number { $phone })
complaints-summary-contact-anonymous = Anonymous: no answer will be sent
complaints-filed-contact =
    ✅ <b>Your report is registered.</b>
    Ticket number: <b>{ $ticket }</b> (keep it)
    We will acknowledge it by { $acknowledge_by } and answer here, in this chat, by { $answer_by }.
complaints-filed-anonymous =
    ✅ <b>Your anonymous report is registered.</b>
    Ticket number: <b>{ $ticket }</b>
    It goes to the department that handles it; as promised, no answer will be sent to you.
complaints-limit = You have filed as many reports as allowed for now. Please try again in { $minutes } minutes, or call the 12345 hotline if it is urgent.

## Already reported nearby (issue 15)
complaints-existing-offer =
    🔁 <b>This looks already reported nearby</b>: <b>{ $ticket }</b> — { $topic }, { $place }, filed { $filed }, { $status }; { $count ->
        [one] one person is waiting for it.
       *[other] { $count } people are waiting for it.
    }
    Follow it (+1) and be told when it is answered, or file your own report anyway?
complaints-button-follow = 👍 +1: follow that report
complaints-button-file-anyway = 📝 File mine anyway
complaints-existing-choose = Please choose: follow the report already filed, or file yours anyway.
complaints-followed = 👍 Done: you follow report <b>{ $ticket }</b> ({ $count } people now). You will be told here when it is answered. Nothing new was filed.
complaints-followed-anonymous = 👍 Your +1 on report <b>{ $ticket }</b> is counted ({ $count } people now). As you chose to stay anonymous, no answer will be sent to you.
complaints-follow-already = You already follow this report.
complaints-follow-gone = That report can no longer be found. Please file your own.
