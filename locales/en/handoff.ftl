# Talking to a person (issue 6): the citizen's side.
handoff-title = 👤 Talk to a person
handoff-queued = 👤 You're in the queue for a person: <b>number { $position }</b>, about { $minutes } min.
    Write what it is about; they will see everything you send. Send /cancel to stop waiting.
handoff-already-waiting = 👤 You're already in the queue: number { $position }, about { $minutes } min.
    Send /cancel to stop waiting.
handoff-already-with-agent = 👤 You're already talking with a person.
handoff-waiting-hint = ⏳ Still waiting for a person (number { $position } in the queue). Your message will be shown to them. Send /cancel to stop waiting.
handoff-stop-button = ✖️ Stop waiting
handoff-stopped = You left the queue. You're back with the assistant:
handoff-not-waiting = You're not waiting for a person any more.
handoff-buttons-paused = A person has this conversation now; write your message instead.
handoff-joined = 👤 <b>{ $name }</b> has joined the conversation. Write here; the assistant stays silent until they finish.
    Press “✖️ End chat” (or send /cancel) to end the chat at any time.
handoff-transferred = 👤 Your conversation was passed to <b>{ $name }</b>.
handoff-agent-says = 👤 <b>{ $name }</b>:
    { $text }
handoff-left = 👤 The person has left the conversation; you're back with the assistant.
handoff-rated = Thank you for your rating!
handoff-rated-low = Thank you for your rating, and sorry we did not help enough. What went wrong?
handoff-low-not-solved = My problem is not solved
handoff-low-too-slow = I waited too long
handoff-low-unclear = The answers were unclear
handoff-low-other = Something else
handoff-low-noted = Thank you: your answer goes to the supervisors who review conversations. You can talk to a person again, file a complaint, or go back to the menu.
handoff-rate-already = This conversation was already rated. Thank you!
handoff-closed-hours = 🕗 Our staff answer from { $hours } (Beijing time); nobody can take the conversation right now.
    You can leave a message instead: a complaint, or a request for us to call you back.
handoff-long-wait = ⏳ Sorry for the long wait. You can keep waiting, or leave a message instead: a complaint, or a request for us to call you back.
handoff-complaint-button = 📝 Leave a complaint
handoff-callback-button = 📞 Ask for a call back
handoff-callback-ask = 📞 Write your message in one text: what it is about and when we can reach you. Send /cancel to leave.
handoff-callback-text-only = Please write your message as text (or /cancel to leave).
handoff-callback-done = ✅ Thank you. Your request is in our queue (reference { $ref }); a person will call you back at { $phone }.
handoff-callback-done-chat = ✅ Thank you. Your request is in our queue (reference { $ref }); a person will answer you here in this chat.
# Canned replies agents can send (in the citizen's language).
handoff-canned-greeting = Hello, this is the traffic management bureau. How can I help you?
handoff-canned-moment = One moment please, I'm checking that for you.
handoff-canned-more-info = Could you tell me a bit more, e.g. the plate number or the ticket number?
handoff-canned-anything-else = Is there anything else I can help you with?
handoff-canned-goodbye = Thank you for contacting us. Have a safe trip!
# Ending a chat with a person, the inactivity timeout, call-backs by phone or in the chat (issue 17).
handoff-end-button = ✖️ End chat
handoff-rate-ask = How would you rate the help you got?
handoff-you-ended = ✅ You ended the chat with the person; you're back with the assistant.
handoff-idle-closed = ⏳ The chat with { $name } ended after { $minutes } minutes without messages; you're back with the assistant. You can ask for a person again at any time.
handoff-callback-ask-phone = 📱 Which mobile number should we call? Send it here (we will text a code to check it), or press the button to be answered here in the chat instead.
handoff-callback-chat-button = 💬 Answer me here in the chat
handoff-callback-code-sent = We sent a 6-digit code to { $phone } (valid { $minutes } minutes). Type it here, or /cancel to leave.
handoff-callback-code-expired = The code has expired. Send the number again to get a new one, or be answered here in the chat.
handoff-callback-sms = [Traffic Management] Your code to confirm the number for a call back is { $code }, valid { $minutes } minutes. Never share it with anyone.
handoff-callback-answering = 👤 <b>{ $name }</b> is answering your call-back request { $ref } here. Write here; the assistant stays silent until they finish.
    Press “✖️ End chat” (or send /cancel) to end the chat at any time.
handoff-callback-closed = ✅ Your call-back request { $ref } is closed.
handoff-callback-closed-called-back = ✅ Your call-back request { $ref } is closed: we called you.
handoff-callback-closed-answered-in-chat = ✅ Your call-back request { $ref } is closed: we answered you here in the chat.
handoff-callback-closed-unreachable = Your call-back request { $ref } is closed: we could not reach you by phone ({ $phone }). You can ask for a person or leave a new request at any time.
handoff-callback-closed-duplicate = Your call-back request { $ref } is closed: it repeats another request of yours, which we are handling.
