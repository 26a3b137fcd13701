## Greeting, menu and commands that work everywhere

start-greeting =
    Hello, { $name }! I am the traffic management assistant of the city's traffic bureau.
    I can check your driver's license and vehicles, violations and fines, the electronic driver's license, deliveries of licenses and plates, and take complaints.
    Choose a service below, or just write what you need, e.g. <i>"Can I get an electronic license?"</i>
menu-title = What can I help you with? Choose a service category:
menu-section-inquiry = 🔎 Information inquiry
menu-section-business = 📝 Business handling
menu-section-consult = 💬 Consultations & complaints
menu-section-changes = ✏️ Information changes
menu-section-inquiry-title = 🔎 <b>Information inquiry</b>: what would you like to look up?
menu-section-business-title = 📝 <b>Business handling</b>: what would you like to apply for?
menu-section-consult-title = 💬 <b>Consultations & complaints</b>: ask a question or file a complaint.
menu-section-changes-title = ✏️ <b>Information changes</b>: your identity, contact details and settings.
menu-back = ⬅️ Back to the menu
menu-language = 🌐 Language / 语言
menu-help = ❓ Help
help-text =
    <b>How to use this assistant</b>
    • Press the buttons of the menu, or write your question in your own words, in English or Chinese.
    • Personal information (license, vehicles, violations) is shown only after you link your identity.
    Commands: /menu — the menu, /cancel — leave the current form, /language — change the language, /notifications — choose which notifications you get, /unbind — unlink your identity from this account, /help — this text.
cancel-nothing = There is nothing to cancel. Here is the menu:
cancel-done = Cancelled. Nothing was submitted. Here is the menu:
cancel-done-short = Cancelled. Nothing was submitted.
language-choose = Choose your language:
language-set = I will answer in English from now on.
button-expired = This button is no longer active. Please use /menu.
unknown-command = I don't know the command { $command }. Try /menu for the services or /help for how to use me.
unsupported-content = I can't read { $kind ->
        [sticker] stickers
        [voice] voice messages
        [video] videos
        [video_note] video messages
        [animation] GIFs
       *[other] this kind of message
    }. Please write your question as text, or use the menu.
unsupported-content-in-form = Your form is still open: please answer the question above as text (or /cancel to leave it).
throttled = You are sending messages very fast. Please wait { $seconds } seconds; I'll answer again after that.
error-internal = Sorry, something went wrong on our side. Please try again; if it keeps happening, /menu has other ways to reach us.
error-service-down = Sorry, one of our systems is not responding right now. Please try again in a few minutes.
error-form-kept = What you have filled in so far is kept: answer again, or /cancel to leave the form.
nlu-down = I can't read free text right now, please use the menu: every service is available from its buttons.
cmd-start = Start and show the main menu
cmd-menu = Main menu
cmd-help = How to use this assistant
cmd-cancel = Leave the current form
cmd-language = Change language
menu-title-short = 📋 Menu
nlu-clarify = I'm not sure what you mean. Which of these did you want?
nlu-not-understood = Sorry, I didn't understand that. I can help with licenses, vehicles, violations, e-licenses, deliveries and complaints: choose below, or rephrase your question.
nlu-offer-human = I still don't understand, sorry. Would you like to talk to a person?
smalltalk-greet = Hello! How can I help you today?
smalltalk-goodbye = Goodbye, and drive safely!
smalltalk-thanks = You're welcome! Anything else I can do for you?
smalltalk-affirm = All right. What would you like to do next?
smalltalk-deny = All right. Is there anything else I can help with?
smalltalk-out-of-scope = Sorry, that is outside what I can help with. I handle traffic management services: licenses, vehicles, violations, e-licenses, deliveries and complaints.
bind-required = To see your personal information, please first link your identity (name and ID number, confirmed by a code sent to your phone on file).
bind-start-button = 🔐 Link my identity
bind-required-for = “{ $what }” shows your personal records, so please first link your identity (name and ID number, confirmed by a code sent to your phone on file).
cmd-notifications = Choose which notifications you get
cmd-unbind = Unlink your identity from this account
groups-private-only = I answer in a private chat only, where what I show you stays yours: open a chat with me and send /start there.

## The bot is answering many people at once (the outgoing scheduler queues replies at Telegram's limits)
overload-notice = ⏳ Many people are asking right now. Your answer is on its way: please don't send your message again.

## Typed text answered before the NLU reads it: one identifier alone, or a button's label
typed-id-number = That looks like an ID number. I don't take it on its own: to see your license, vehicles and violations, link your identity (your name and ID number, confirmed by a code sent to the phone on file).
typed-id-number-linked = That looks like an ID number. Your identity is already linked to this account, so you don't need to type it: choose what to look up.
typed-code = That looks like a one-time code, but no code is waiting to be checked. Codes are asked for while you link your identity or change your phone number, and each is valid for 5 minutes.
typed-phone = That looks like a phone number. To change the phone number on file, use the button below (a code confirms the new number).
typed-stale-location = That button belonged to a complaint form that is no longer open, so nothing was recorded.
typed-stale-location-next = To report a problem at a place, file a new complaint: you can share your location or type the place.
typed-stale-end-chat = The chat with a person has already ended. I'm the assistant again.
photo-offer-report = I can't read photos on their own. Would you like to file a report (a complaint) with this photo? It is attached to the report, which asks for the topic, the place and what happened.
photo-offer-report-button = 📝 File a report with this photo
