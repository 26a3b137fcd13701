## Push notifications (push/render.py) and the /notifications preferences (bot/routers/notifications.py)

push-date = { $y }-{ $m }-{ $d }
push-datetime = { $y }-{ $m }-{ $d } { $time }
push-today = today
push-on-date = on { $date }
push-license-mailed = 📮 Your new driver's license was mailed { $when }, { $courier } <code>{ $tracking }</code>.
push-license-mailed-no-tracking = 📮 Your new driver's license was mailed { $when }.
push-license-delivered = ✅ Your new driver's license was delivered{ $tracking ->
        [none] .
       *[other] {" "}({ $tracking }).
    } Please check that the details on it are right.
push-plate-materials_collected = 📦 The courier collected the materials for new plates for <b>{ $plate }</b>.
push-plate-approved = ✅ Your application for new plates for <b>{ $plate }</b> was approved.
push-plate-plates_made = 🏭 The new plates for <b>{ $plate }</b> have been made and will be sent soon.
push-plate-out_for_delivery = 🚚 Your plates for <b>{ $plate }</b> are out for delivery today{ $tracking ->
        [none] .
       *[other] , { $tracking }.
    } Please be available to receive them.
push-plate-delivered = ✅ Your plates for <b>{ $plate }</b> were delivered.
push-elicense-approved = 🪪 { $office } approved your request: your electronic driver's license is issued and ready to show.
push-elicense-rejected = 🪪 { $office } did not approve your request for an electronic driver's license.{ $reason ->
        [none] {""}
       *[other] {" "}Reason: { $reason }
    }
push-complaint-updated = 📣 Complaint <b>{ $ticket }</b>: { $status }.
push-complaint-rating = 📣 Complaint <b>{ $ticket }</b> was resolved.
push-complaint-rate-ask = How satisfied are you with the result? Please rate it from 1 to 5.
push-complaint-reply = Reply from the bureau: { $text }
push-complaint-followed = 📣 A report you follow (+1), <b>{ $ticket }</b>: { $status }.
push-complaint-status-new = received
push-complaint-status-acknowledged = acknowledged, we are looking into it
push-complaint-status-in_progress = being handled
push-complaint-status-resolved = resolved
push-complaint-status-closed = closed
push-violation-recorded = 📷 A new violation was recorded for <b>{ $plate }</b>: { $behaviour }, { $place }, { $time }. Fine ¥{ $fine }, { $points } points.
push-license-expiry = ⏳ Your driver's license expires in { $days } days, on { $date }. You can renew it by mail now, without visiting an office.
push-exam-due = 🩺 Your physical exam for the driver's license is due by { $date } ({ $days } days left).
push-inspection-due = 🔧 The periodic inspection of <b>{ $plate }</b> is due by { $date } ({ $days } days left).
push-account-rebound = 🔐 Your identity was just linked to another Telegram account. If that was not you, contact the traffic bureau.
push-appeal-accepted = ⚖️ Your appeal was accepted: the violation of <b>{ $plate }</b> ({ $behaviour }) is cancelled. There is nothing to pay and no points are recorded.
push-appeal-rejected = ⚖️ Your appeal of the violation of <b>{ $plate }</b> ({ $behaviour }) was not accepted.{ $reason ->
        [none] {""}
       *[other] {" "}Reason: { $reason }
    } You can now handle and pay it; the days the appeal took do not count towards the late-payment surcharge.
push-btn-track = 🚚 Track the delivery
push-btn-deliveries = 📦 My deliveries
push-btn-elicense = 🪪 Show my e-license
push-btn-elicense-check = 🪪 E-license
push-btn-complaint = 💬 View the complaint
push-btn-rate = ⭐ Rate the resolution
push-btn-violations = 📷 My violations
push-btn-license = 🪪 My license
push-btn-renew = 📝 Renew by mail
push-btn-vehicles = 🚗 My vehicles
push-btn-settings = 🔔 Notification settings

push-prefs-button = 🔔 Notifications
push-prefs-title = 🔔 <b>Notifications</b>
    Press a type to switch it on or off. { $quiet ->
        [on] Quiet hours are on: non-urgent messages wait from 22:00 to 07:00.
       *[off] Quiet hours are off: messages come at any time.
    }
push-prefs-quiet-on = 🌙 Quiet hours 22:00–07:00: on
push-prefs-quiet-off = 🌙 Quiet hours: off
push-prefs-state-on = ✅
push-prefs-state-off = 🚫
push-type-license_mailed = License mailed
push-type-license_delivered = License delivered
push-type-plate_delivery = Plate delivery
push-type-elicense_review_decided = E-license review
push-type-complaint_updated = Complaint updates
push-type-complaint_rating_request = Complaint rating
push-type-violation_recorded = New violations
push-type-license_expiry_reminder = License expiry
push-type-physical_exam_reminder = Physical exam due
push-type-inspection_reminder = Inspection due
push-type-appeal_decided = Appeal decisions
