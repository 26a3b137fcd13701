## Information changes: mailing address and phone number

profile-menu-address = 🏠 Mailing address
profile-menu-phone = 📱 Phone number
profile-address-ask =
    Your mailing address on file: <b>{ $address }</b> (postal code { $postal_code }).
    Please write the new mailing address (street, building, unit and room), e.g. <i>北京市朝阳区建国路88号3栋2单元501室</i>. /cancel leaves.
profile-error-address-short = That address is too short: please give street, building, unit and room ({ $min } to { $max } characters), e.g. <i>北京市朝阳区建国路88号3栋2单元501室</i>.
profile-error-address-long = That address is too long (at most { $max } characters). Please shorten it.
profile-postal-ask = And the postal code of that address (6 digits, e.g. <i>100022</i>)?
profile-error-postal = A postal code has 6 digits, e.g. <i>100022</i>. Please type it again (or /cancel).
profile-address-saved = ✅ Saved. Mail from the traffic bureau goes to <b>{ $address }</b> ({ $postal_code }) from now on.
profile-phone-ask =
    The mobile number on file is { $phone }.
    Please type the new mobile number (11 digits, e.g. <i>13812345678</i>). A code will be sent to it to confirm it. /cancel leaves.
profile-phone-same = That is already the number on file. Please type the new number (or /cancel).
profile-phone-code-sent = A 6-digit code was sent by SMS to { $phone }; it is valid { $minutes } minutes. Please type it here.
profile-phone-too-soon = A code was sent less than a minute ago. Please wait { $seconds } seconds and type the number again.
profile-phone-saved = ✅ Your mobile number is now { $phone }. Codes and reminders go to it from now on.
profile-phone-code-expired = The code has expired (codes are valid 5 minutes). Nothing was changed; please start again.
profile-sms-code = [Traffic Management] Your code to confirm this new phone number is { $code }, valid { $minutes } minutes. Never share it with anyone.
