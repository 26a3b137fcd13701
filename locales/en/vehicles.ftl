## Vehicle status, adding another vehicle, vehicle e-license authorisations

vehicles-menu = 🚗 My vehicles
vehicles-title = <b>Your vehicles</b> ({ $count })
vehicles-none = There are no vehicles registered in your name, and you have not added any. To follow another vehicle (a family member's, for example), add it with its plate and the last 6 characters of its engine number.
vehicles-card-head = 🚗 <b>{ $plate }</b> · { $name }
vehicles-card-added = <i>Added with its engine number (not registered in your name)</i>
vehicles-reg-normal = • Registration: ✅ normal
vehicles-reg-seized = • Registration: ⛔ seized by a court. It cannot be transferred or mortgaged until the court lifts the seizure; contact the court that ordered it.
vehicles-reg-stolen = • Registration: ⛔ reported stolen. If the vehicle has been found, tell the police station where the theft was reported.
vehicles-reg-scrapped = • Registration: scrapped. The electronic deregistration certificate is in the 12123 app.
vehicles-reg-deregistered = • Registration: deregistered. It may no longer be driven on the road.
vehicles-insp-valid = • Inspection: ✅ valid until { $date }
vehicles-insp-due = • Inspection: ⚠️ due by { $date } ({ $days } days left). You can have it inspected now at any inspection station; the electronic inspection mark then appears in the 12123 app.
vehicles-insp-overdue = • Inspection: ❗ overdue since { $date } ({ $days } days). Do not drive it on the road until it passes an inspection: book one at an inspection station.
vehicles-mortgage-none = • Mortgage: none
vehicles-mortgage = • Mortgage: registered to { $lender } since { $date }. Once the loan is repaid, the release can be handled at the lender's traffic management service station.
vehicles-violations-none = • Violations: none open
vehicles-violations-open = • Violations: { $count } not yet paid ({ $unprocessed ->
        [0] { $processed } processed, unpaid
       *[other] { $unprocessed } unprocessed{ $processed ->
            [0] {""}
           *[other] , { $processed } processed, unpaid
        }
    })
vehicles-accidents-none = • Accidents: none being handled
vehicles-accident-pending = • Accident on { $date } at { $place }: ⏳ waiting to be handled
vehicles-accident-in_progress = • Accident on { $date } at { $place }: 🔄 being handled
vehicles-accident-closed = • Accident on { $date } at { $place }: ✅ closed
vehicles-button-violations = 📋 Violations { $plate }
vehicles-button-auth = 🔑 Authorise { $plate }
vehicles-button-remove = 🗑 Remove { $plate }
vehicles-button-remove-title = 🗑 Remove a vehicle
vehicles-button-add = ➕ Add another vehicle
vehicles-ask-plate = Which vehicle? Please type its plate, e.g. 京A12345 (or /cancel).
vehicles-ask-engine = { $plate } is not registered in your name. To add it, type the <b>last 6 characters of its engine number</b> (printed on the vehicle license), e.g. 123456. /cancel to stop.
vehicles-engine-format = Please type exactly the last 6 letters or digits of the engine number of { $plate }, e.g. 123456 (or /cancel).
vehicles-engine-mismatch = The plate { $plate } and this engine number do not match. Please check the vehicle license and try again ({ $left } { $left ->
        [one] attempt
       *[other] attempts
    } left), or /cancel.
vehicles-engine-locked = Too many wrong engine numbers. For your security, adding vehicles is paused for { $minutes } minutes.
vehicles-added = ✅ { $plate } is added to your vehicles.
vehicles-added-limit = You have already added 5 other vehicles, the most allowed. Remove one first (from "My vehicles").
vehicles-removed = { $plate } was removed from your vehicles.
vehicles-remove-unknown = That vehicle is not among the vehicles you added.
vehicles-form-hint = Please try again, or /cancel to stop.
vehicles-auth-menu = 🔑 Vehicle e-license authorisation
vehicles-auth-title = <b>Vehicle e-license authorisations</b>
    An owner can let another person use the vehicle's electronic license for a period (to handle business on the owner's behalf).
vehicles-auth-vehicle = 🚗 <b>{ $plate }</b> · { $brand }: { $count ->
        [0] nobody is authorised
        [one] 1 authorisation
       *[other] { $count } authorisations
    }
vehicles-auth-item-active = • { $name } ({ $id }): { $start } → { $end }, ✅ in effect
vehicles-auth-item-later = • { $name } ({ $id }): { $start } → { $end }, ⏳ starts later
vehicles-auth-no-vehicles = Only the owner can authorise others, and there is no vehicle registered in your name.
vehicles-auth-not-owner = Only the owner of a vehicle can authorise others to use its e-license, and that vehicle is not registered in your name.
vehicles-auth-button-new = ➕ Authorise someone for { $plate }
vehicles-auth-button-revoke = ✖ Revoke { $name } ({ $plate })
vehicles-auth-button-confirm = ✅ Confirm
vehicles-auth-button-cancel = ✖ Cancel
vehicles-auth-ask-id = Authorising someone to use the e-license of { $plate }. Please type the person's <b>ID number</b> (18 characters), or /cancel.
vehicles-auth-self = That is your own ID number: as the owner you can always use it. Please type the other person's ID number, or /cancel.
vehicles-auth-ask-name = Now the person's <b>name</b>, exactly as on their ID card.
vehicles-auth-name-format = A name has only letters or Chinese characters (up to 30), e.g. 王芳 or Wang Fang.
vehicles-auth-ask-period = For how long? Choose below, or type the first and last day, e.g. <code>{ $today } 2026-12-31</code>. It can start today or within 90 days and last at most one year.
vehicles-auth-preset = { $days ->
        [365] 1 year
       *[other] { $days } days
    }
vehicles-auth-period-format = Please type two dates, the first and the last day, e.g. <code>{ $today } 2026-12-31</code>.
vehicles-auth-period-start-past = The first day cannot be in the past (today is { $today }). Please type the dates again.
vehicles-auth-period-start-too-late = The authorisation must start within 90 days from today ({ $today }). Please type the dates again.
vehicles-auth-period-end-before-start = The last day is before the first day. Please type the dates again.
vehicles-auth-period-too-long = An authorisation lasts at most one year. Please type the dates again.
vehicles-auth-summary = <b>Please confirm the authorisation</b>
    Vehicle: { $plate }
    Person: { $name } ({ $id })
    Period: { $start } → { $end }
    They can present and use the vehicle's e-license in the 12123 app during this period. You can revoke it at any time.
vehicles-auth-press-button = Please press ✅ Confirm or ✖ Cancel below (or /cancel).
vehicles-auth-granted = ✅ Authorisation granted for { $plate }.
vehicles-auth-cancelled = Cancelled: nothing was authorised.
vehicles-auth-revoked = ✅ The authorisation for { $plate } is revoked.
vehicles-auth-revoke-unknown = That authorisation was not found or was already revoked.
vehicles-auth-refused-not-owner = Only the owner of a vehicle can authorise others, and that vehicle is not registered in your name.
vehicles-auth-refused-self = You cannot authorise yourself.
vehicles-auth-refused-bad-id = That ID number is not valid. Please start again.
vehicles-auth-refused-name-mismatch = The name does not match the ID number on record. Please check both and start again.
vehicles-auth-refused-duplicate = This person is already authorised for this vehicle (until { $end }). Revoke that authorisation first to set a new period.
vehicles-auth-refused-limit = This vehicle already has 5 current authorisations, the most allowed. Revoke one first.
