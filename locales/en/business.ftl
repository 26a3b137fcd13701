## Business handling: renew a driver's license by mail, door-to-door replacement plates

business-renewal-menu = 🪪 Renew my license by mail
business-plate-menu = 🔖 Replacement plates delivered
business-button-confirm = ✅ Confirm and submit
business-button-change-address = ✏️ Change the address
business-button-cancel = ✖ Cancel
business-button-follow = 📦 Follow the delivery
business-button-exam-faq = 🏥 Where to have the physical exam
business-button-deliveries = 📦 My deliveries
business-renewal-refused = <b>Your license cannot be renewed by mail right now:</b>
business-renewal-block-no-license = • There is no driver's license on record under your ID number.
business-renewal-block-revoked = • Your license has been revoked, so it cannot be renewed. Once the period of the revocation is over, you can apply for a new license at a vehicle management office.
business-renewal-block-detained = • Your license is detained. It can be renewed once it is returned to you: ask the office that holds it.
business-renewal-block-temporarily-detained = • Your license is temporarily detained. It can be renewed once it is returned to you: ask the office that holds it.
business-renewal-block-suspended = • Your license is suspended. It can be renewed after the suspension ends and the required study and examination are done.
business-renewal-block-too-early = • It is valid until { $valid_to }: renewal by mail opens 90 days before expiry, on { $opens }. Until then it remains valid.
business-renewal-block-expired-no-exam = • It expired on { $valid_to } ({ $days } days ago), and there is no recent physical exam result on file. Next step: have a driver's physical exam at a designated hospital of the city where your license was issued (below: where); the result is sent online, then renew here.
business-renewal-block-expired-too-long = • It expired on { $valid_to }, more than a year ago, so it has been cancelled. Next step: within two years of cancellation, restore it at a vehicle management office by passing the theory test.
business-renewal-no-license = There is no driver's license on record under your ID number, so there is nothing to renew.
business-renewal-summary = <b>Renew your driver's license by mail</b>
    License: class { $license_class }, { $expired ->
        [yes] expired on { $valid_to }
       *[no] valid until { $valid_to }
    }
    The new license will be mailed to:
    { $address } ({ $postal })
    Phone: { $phone }
    Is this address right? It is used for this application only.
business-renewal-open = You already have a renewal application (submitted { $at }, { $status }). One application at a time: please follow that one.
business-renewal-submitted = ✅ <b>Renewal application accepted</b> (no. { $number }).
    Your new license will be printed and mailed to { $address }; you will get the tracking number when it is shipped. { $usable ->
        [yes] Your current license stays in use until the new one arrives.
       *[no] Your current license may not be used: do not drive until the new one arrives.
    }
business-status-submitted = submitted
business-status-accepted = accepted
business-status-rejected = rejected
business-status-completed = completed
business-status-cancelled = cancelled
business-plate-no-vehicles = There is no vehicle registered in your name. Only the owner can request replacement plates.
business-plate-pick = For which vehicle do you need new plates?
business-plate-block-not-owner = { $plate } is not registered in your name. Only the owner can request replacement plates.
business-plate-block-not-normal = Replacement plates cannot be issued for { $plate }: its registration is { $status }. Please contact the vehicle management office.
business-plate-block-open-request = You already requested replacement plates for { $plate } ({ $at }). One request at a time: the courier will contact you to collect the materials.
business-plate-block-delivery-under-way = New plates for { $plate } are already on their way to you. One request at a time: follow that delivery.
business-registration-normal = normal
business-registration-seized = seized by a court
business-registration-stolen = reported stolen
business-registration-scrapped = scrapped
business-registration-deregistered = deregistered
business-plate-ask-reason = Replacement plates for { $plate }, delivered to your door. Why do you need them?
business-plate-reason-lost = Lost or stolen
business-plate-reason-damaged = Damaged
business-plate-reason-renewal = Worn out, renewal
business-plate-materials-lost = your ID card and the vehicle license (行驶证)
business-plate-materials-damaged = your ID card, the vehicle license (行驶证) and the damaged plates
business-plate-materials-renewal = your ID card, the vehicle license (行驶证) and the old plates
business-plate-summary = <b>Replacement plates, door to door</b>
    Vehicle: { $plate } · reason: { $reason }
    A courier collects { $materials } at:
    { $address } ({ $postal })
    Phone: { $phone }
    After approval the new plates are made and delivered to the same address.
business-plate-submitted = ✅ <b>Request submitted</b> (no. { $number }) for { $plate }.
    A courier will call { $phone } to collect the materials; after approval the plates are made and delivered to your door. You can follow it under "Deliveries".
business-ask-address = Please type the mailing address (street, building, unit, room), e.g. 北京市东城区东长安街1号3栋2单元501室.
business-address-format = That does not look like a full address. Please type 6 to 120 characters: street, building, unit and room.
business-ask-postal = And the postal code (6 digits), e.g. 100010.
business-postal-format = A postal code has 6 digits, e.g. 100010. Please type it again.
business-press-button = Please choose with the buttons above (or /cancel to leave).
