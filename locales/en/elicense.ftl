## Electronic driver's license

elicense-menu-check = 📲 E-license: can I get one?
elicense-menu-apply = 📲 Apply for an e-license
elicense-menu-show = 📲 Show my e-license
elicense-apply-button = 📲 Apply now
elicense-review-button = 📨 Ask the office to review my case
elicense-refresh-button = 🔄 New code
elicense-no-license = There is no driver's license on file for your identity, so no electronic license can be issued.
elicense-already-issued = ✅ Your electronic driver's license has already been issued. Show it any time.
elicense-eligible = ✅ You can get an electronic driver's license: your license is valid and your city has opened e-licenses. It is issued at once when you apply.
elicense-city-not-open = Electronic driver's licenses open in { $city } on <b>{ $date }</b>. You can apply from that day.
elicense-city-unknown = Electronic driver's licenses have not opened in your city yet; the opening date has not been announced.
elicense-also-blocked = { $count ->
        [one] Also, this must be resolved first:
       *[other] Also, these { $count } things must be resolved first:
    }
elicense-blocked = { $count ->
        [one] ❌ You cannot get an electronic driver's license yet, for this reason:
       *[other] ❌ You cannot get an electronic driver's license yet, for these { $count } reasons:
    }
elicense-review-offer = If your case is special (for example you cannot return in person), you can ask the vehicle management office that issued your license to review it.
elicense-remedy-line = • <b>{ $status }</b>: { $step }
elicense-remedy-expired = the license expired on { $valid_to }. Renew it (by mail, with a physical exam result on file), then apply.
elicense-remedy-revoked = the license was revoked and cannot be used. Ask { $office } when you may apply for a new one.
elicense-remedy-detained = the license is detained. Settle the matter with the traffic police unit named on the notice (or ask { $office }); apply once it is returned.
elicense-remedy-temporarily-detained = the license is temporarily detained. Apply once the period in the decision is over and the license is returned.
elicense-remedy-exam-overdue = the physical exam was due on { $due }. Take it { $known ->
        [yes] in { $city }, where your license was issued, at one of its { $community } community (township) hospitals or { $hospitals } larger hospitals
       *[no] at a designated hospital in { $city }, where your license was issued
    }; the result is sent online.
elicense-remedy-periodic-overdue = the periodic examination was due on { $due }. Have it done at { $office } with your ID card, license and a physical exam result.
elicense-remedy-stop-use = the license was announced stop-use. Apply for a new or replacement license at { $office } first.
elicense-issued = ✅ Your electronic driver's license has been issued. It has the same legal effect as the paper license and is valid nationwide.
elicense-review-pending = You already asked for a review on { $date }; the office has not decided yet. You will be told the result here.
elicense-review-ask = Please explain briefly why your case is special ({ $min } to { $max } characters), e.g. <i>I work in another city and cannot return to the office before the exam date.</i> /cancel leaves.
elicense-review-error-short = Please explain a little more (at least { $min } characters), e.g. <i>I work in another city and cannot return to the office.</i>
elicense-review-error-long = That is too long: please keep it under { $max } characters.
elicense-review-sent = 📨 Your request was sent to { $office }. The office will review it and you will be told the result here.
elicense-not-issued = You don't have an electronic driver's license yet.
elicense-card-title = 📲 <b>Electronic driver's license</b>
elicense-card-line = Class <b>{ $license_class }</b> · No. { $number } · valid { $valid_from } to { $valid_to }
elicense-card-status = Status now: <b>{ $statuses }</b>
elicense-card-points = Points deducted in this cycle: { $points } of 12 (cycle ends { $cycle_end })
elicense-card-blocked = ⚠️ Not usable right now: { $statuses }. Resolve this first; the paper license rules apply.
elicense-card-usable = ✅ Valid nationwide, same legal effect as the paper license.
elicense-card-code = Verification code: <code>{ $code }</code> (valid { $seconds } seconds; press "New code" for another)
