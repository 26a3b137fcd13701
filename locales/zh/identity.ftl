## 身份绑定（姓名 + 身份证号 + 短信验证码）与 /unbind

identity-menu-bind = 🔐 绑定身份
identity-menu-unbind = 🔓 解除绑定
identity-already-bound = 本 Telegram 账号已绑定 <b>{ $name }</b>（身份证号 { $id }）。
identity-bind-other-button = 绑定其他身份
identity-unbind-button = 🔓 解除绑定
identity-ask-name =
    <b>绑定身份</b>（第 1 步，共 3 步）
    请输入与身份证一致的姓名，例如 <i>张伟</i>。
    随时可发送 /cancel 退出。
identity-error-name = 请输入与身份证一致的姓名，只能包含文字（2 至 40 个字符），例如 <i>张伟</i>。
identity-ask-id =
    <b>绑定身份</b>（第 2 步，共 3 步）
    请输入身份证号：18 位，最后一位为数字或 X，例如 <i>11010519491231002X</i>。
identity-id-retry = 请重新输入身份证号（或发送 /cancel 退出）。
identity-code-sent =
    <b>绑定身份</b>（第 3 步，共 3 步）
    如果姓名与身份证号和我们的记录一致，6 位验证码已通过短信发送到登记的手机号，{ $minutes } 分钟内有效。
    请在此输入验证码。如果一分钟内没有收到短信，请核对信息后发送 /cancel 重新开始。
identity-resend-button = 🔁 重新发送验证码
identity-resend-too-soon = 验证码刚刚发送过，请 { $seconds } 秒后再申请重新发送。
identity-resend-nothing = 目前没有待确认的验证码，请重新开始绑定。
identity-too-soon = 验证码刚刚发送过，请等待 { $seconds } 秒后重新开始。
identity-too-many = 申请验证码次数过多，请 { $minutes } 分钟后再试。
identity-locked = 验证码错误次数过多，为保障安全，绑定功能已锁定 { $minutes } 分钟，请稍后再试。
identity-locked-until = 验证码错误次数过多，为保障安全，绑定功能已锁定至{ $until }（还需 { $minutes } 分钟）。在此之前输入的验证码不会被核验。
identity-sms-unavailable = 抱歉，暂时无法发送短信验证码，请稍后再试。
identity-error-code = 验证码为 6 位数字，例如 <i>123456</i>。请按短信内容输入（或发送 /cancel 退出）。
identity-code-wrong = 验证码不正确，您还可以再试 { $left } 次。
identity-code-expired = 验证码已过期（有效期 5 分钟），请重新开始。
identity-bind-conflict = 此刻有人正在绑定同一账号或同一身份，请重新开始。
identity-bound = ✅ 绑定成功：本 Telegram 账号已绑定 <b>{ $name }</b>（身份证号 { $id }）。可以通过菜单使用个人业务了。
identity-bound-replaced = 本账号之前绑定的身份已解除绑定。
identity-rebound-notice = 🔐 您的身份刚刚绑定到了另一个 Telegram 账号，本账号已不再绑定。如果不是您本人操作，请在此重新绑定（验证码会发到您的手机），并联系交通管理部门。
identity-not-bound = 本 Telegram 账号尚未绑定身份。
identity-unbind-confirm = 确定要解除 <b>{ $name }</b>（身份证号 { $id }）与本 Telegram 账号的绑定吗？解除后，在重新绑定之前将无法在此查看驾驶证、车辆和通知。
identity-unbind-yes = 确定解除
identity-unbind-no = 不，保留绑定
identity-unbound = 已解除：本 Telegram 账号不再绑定您的身份。
identity-sms-code = 【交通管理】您的验证码为 { $code }，{ $minutes } 分钟内有效。请勿告诉他人。
