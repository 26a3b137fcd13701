# Announcements to a segment of citizens (staff/announcements.py, actions/announcements.py).
announcement-push = 📢 <b>Traffic management bureau</b>
    { $text }
push-type-announcement = Bureau announcements
announcement-nav = Announcements
announcement-new = New announcement
announcement-hint = Write the message in both languages and choose who gets it. You will see it as citizens will, and how many it reaches, before anything is sent.
announcement-segment = Who gets it
announcement-segment-everyone = Everyone
announcement-segment-city = Citizens of { $name }
announcement-segment-district = Citizens living in { $name }
announcement-segment-vehicle = Owners of a vehicle of type: { $name }
announcement-segment-license = Holders of a class { $name } licence
announcement-group-city = City
announcement-group-district = District
announcement-group-vehicle = Vehicle type
announcement-group-license = Licence class
announcement-text-en = Message in English
announcement-text-zh = Message in Chinese
announcement-preview = Preview and count
announcement-error-both = Write the message in both English and Chinese: each citizen gets it in their language.
announcement-error-long = A message can be at most { $max } characters.
announcement-error-segment = Choose who gets the announcement.
announcement-recent = Announcements
announcement-col-created = Written
announcement-col-text = Message
announcement-col-recipients = Citizens
announcement-col-state = State
announcement-state-draft = Not sent
announcement-state-sending = Sent
announcement-state-cancelled = Cancelled
announcement-none = No announcement yet.
announcement-title = Announcement
announcement-reaches = { $count ->
    [one] It reaches 1 citizen (a linked Telegram chat that did not turn announcements off).
   *[other] It reaches { $count } citizens (linked Telegram chats that did not turn announcements off).
}
announcement-as-seen = As citizens will see it
announcement-send = { $count ->
    [one] Send to 1 citizen
   *[other] Send to { $count } citizens
}
announcement-cancel = Cancel
announcement-back = All announcements
announcement-progress = Delivered: { $sent } · waiting: { $waiting } · could not be delivered: { $failed }
announcement-withdrawn = { $count } taken back before they were sent
announcement-sending = The announcement is being sent at Telegram's limits.
announcement-not-draft = This announcement was sent or cancelled already.
announcement-cancel-refused = This announcement was cancelled already.
announcement-cancelled-flash = { $count ->
    [one] Cancelled: 1 message that had not gone yet will not be sent.
   *[other] Cancelled: { $count } messages that had not gone yet will not be sent.
}
