## Deliveries: mailed licenses and replacement plates

deliveries-menu = 📦 Deliveries
deliveries-title = <b>Your deliveries</b> ({ $count ->
        [0] none under way
        [one] 1 under way
       *[other] { $count } under way
    })
deliveries-none = You have no deliveries: no license is being mailed to you and no plates are being delivered.
deliveries-kind-license = 📮 Driver's license by mail
deliveries-kind-plate = 🔖 Replacement plates { $plate }
deliveries-current = Status: <b>{ $stage }</b>
deliveries-courier = Courier: { $courier } · tracking number <code>{ $tracking }</code>
deliveries-no-tracking = Courier and tracking number: given when it is shipped.
deliveries-courier-EMS = EMS (China Post)
deliveries-courier-SF = SF Express
deliveries-address = To: { $address }
deliveries-timeline = Progress:
deliveries-step-done = ✅ { $at } { $stage }
deliveries-step-todo = ▫️ { $stage }
deliveries-stage-accepted = application accepted
deliveries-stage-printed = license printed
deliveries-stage-mailed = mailed
deliveries-stage-in_transit = in transit
deliveries-stage-materials_collected = materials collected by the courier
deliveries-stage-approved = approved
deliveries-stage-plates_made = plates made
deliveries-stage-out_for_delivery = out for delivery
deliveries-stage-delivered = delivered
deliveries-next-license-mail-out-for-delivery = The courier will call you today: please have your ID card ready.
deliveries-next-license-mail-delivered = Delivered. Check the license details; your old license is no longer valid.
deliveries-next-plate-delivery-out-for-delivery = The courier will call you today: please have your ID card ready to receive the plates.
deliveries-next-plate-delivery-delivered = Delivered. Fit the plates front and rear before driving.
deliveries-summary = { $title }: { $stage } ({ $at })
deliveries-done-title = <b>Completed</b>
deliveries-button-view = 🔎 { $title } · { $at }
deliveries-button-all = 📦 All my deliveries
deliveries-awaiting-collection = 🔖 <b>Replacement plates { $plate }</b>
    Requested { $at }: a courier will contact you to collect the materials; the plates are made and delivered after approval.
deliveries-tracking-unknown = No delivery of yours has the tracking number { $tracking }.
deliveries-unknown = No delivery of yours was found for this.
