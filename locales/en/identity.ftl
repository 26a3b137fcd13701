## Identity binding (name + ID number + SMS code) and /unbind

identity-menu-bind = 🔐 Link my identity
identity-menu-unbind = 🔓 Unlink my identity
identity-already-bound = This Telegram account is linked to <b>{ $name }</b> (ID { $id }).
identity-bind-other-button = Link a different identity
identity-unbind-button = 🔓 Unlink
identity-ask-name =
    <b>Link your identity</b> (step 1 of 3)
    Please write your full name as on your ID card, e.g. <i>张伟</i>.
    /cancel leaves at any time.
identity-error-name = Please write your full name as on your ID card, in letters only (2 to 40 characters), e.g. <i>张伟</i> or <i>Zhang Wei</i>.
identity-ask-id =
    <b>Link your identity</b> (step 2 of 3)
    Now your ID number: 18 characters, the last one a digit or X, e.g. <i>11010519491231002X</i>.
identity-id-retry = Please type the ID number again (or /cancel).
identity-code-sent =
    <b>Link your identity</b> (step 3 of 3)
    If the name and ID number match our records, a 6-digit code has just been sent by SMS to the mobile number registered with them. It is valid for { $minutes } minutes.
    Please type the code here. If no SMS arrives within a minute, check the details and start again with /cancel.
identity-resend-button = 🔁 Send the code again
identity-resend-too-soon = A code was sent less than a minute ago. You can ask for another one in { $seconds } seconds.
identity-resend-nothing = There is no code waiting to be confirmed. Please start linking again.
identity-too-soon = A code was sent less than a minute ago. Please wait { $seconds } seconds, then start again.
identity-too-many = Too many codes were requested. Please try again in { $minutes } minutes.
identity-locked = Too many wrong codes: linking is locked for { $minutes } minutes for your safety. Please try again later.
identity-locked-until = Too many wrong codes: for your safety, linking is locked until { $until } (another { $minutes } min). A code typed before then is not checked.
identity-sms-unavailable = Sorry, codes cannot be sent by SMS right now. Please try again later.
identity-error-code = The code has 6 digits, e.g. <i>123456</i>. Please type it as it appears in the SMS (or /cancel).
identity-code-wrong = That code is not right. { $left ->
        [one] You have 1 more try.
       *[other] You have { $left } more tries.
    }
identity-code-expired = The code has expired (codes are valid 5 minutes). Please start again.
identity-bind-conflict = Someone else was linking the same account or identity at this moment. Please start again.
identity-bound = ✅ Done: this Telegram account is now linked to <b>{ $name }</b> (ID { $id }). Your personal services are available from the menu.
identity-bound-replaced = The identity this account was linked to before has been unlinked.
identity-rebound-notice = 🔐 Your identity has just been linked to another Telegram account, so this account is no longer linked. If that was not you, link your identity again here (a code goes to your phone) and contact the traffic bureau.
identity-not-bound = This Telegram account is not linked to an identity.
identity-unbind-confirm = Unlink <b>{ $name }</b> (ID { $id }) from this Telegram account? You will no longer see your licenses, vehicles or notifications here until you link again.
identity-unbind-yes = Yes, unlink
identity-unbind-no = No, keep it
identity-unbound = Done: this Telegram account is no longer linked to your identity.
identity-sms-code = [Traffic Management] Your code is { $code }, valid { $minutes } minutes. Never share it with anyone.
