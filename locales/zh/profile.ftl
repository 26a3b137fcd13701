## 信息变更：邮寄地址和手机号

profile-menu-address = 🏠 邮寄地址
profile-menu-phone = 📱 手机号码
profile-address-ask =
    当前登记的邮寄地址：<b>{ $address }</b>（邮编 { $postal_code }）。
    请输入新的邮寄地址（街道、楼栋、单元和门牌号），例如 <i>北京市朝阳区建国路88号3栋2单元501室</i>。发送 /cancel 退出。
profile-error-address-short = 地址太短：请写明街道、楼栋、单元和门牌号（{ $min } 至 { $max } 个字符），例如 <i>北京市朝阳区建国路88号3栋2单元501室</i>。
profile-error-address-long = 地址太长（最多 { $max } 个字符），请精简后重新输入。
profile-postal-ask = 请输入该地址的邮政编码（6 位数字，例如 <i>100022</i>）。
profile-error-postal = 邮政编码为 6 位数字，例如 <i>100022</i>。请重新输入（或发送 /cancel 退出）。
profile-address-saved = ✅ 已保存。今后交通管理部门的邮件将寄往 <b>{ $address }</b>（{ $postal_code }）。
profile-phone-ask =
    当前登记的手机号为 { $phone }。
    请输入新的手机号（11 位，例如 <i>13812345678</i>），我们会向新号码发送验证码进行确认。发送 /cancel 退出。
profile-phone-same = 这就是当前登记的号码。请输入新的手机号（或发送 /cancel 退出）。
profile-phone-code-sent = 6 位验证码已通过短信发送到 { $phone }，{ $minutes } 分钟内有效。请在此输入。
profile-phone-too-soon = 验证码刚刚发送过，请等待 { $seconds } 秒后重新输入手机号。
profile-phone-saved = ✅ 您的手机号已变更为 { $phone }，今后的验证码和提醒将发送到该号码。
profile-phone-code-expired = 验证码已过期（有效期 5 分钟），手机号未变更，请重新开始。
profile-sms-code = 【交通管理】您确认新手机号的验证码为 { $code }，{ $minutes } 分钟内有效。请勿告诉他人。
