## 车辆状态、添加他人车辆、机动车电子行驶证授权

vehicles-menu = 🚗 我的车辆
vehicles-title = <b>您的车辆</b>（{ $count } 辆）
vehicles-none = 您名下没有登记的机动车，也没有添加其他车辆。如需关注其他车辆（例如家人的车），可用号牌号码和发动机号后6位添加。
vehicles-card-head = 🚗 <b>{ $plate }</b> · { $name }
vehicles-card-added = <i>通过发动机号添加（非本人名下车辆）</i>
vehicles-reg-normal = • 登记状态：✅ 正常
vehicles-reg-seized = • 登记状态：⛔ 已被法院查封，解除查封前不能办理转移、抵押登记；请联系作出查封的法院。
vehicles-reg-stolen = • 登记状态：⛔ 已报被盗抢。如车辆已找回，请告知报案的派出所。
vehicles-reg-scrapped = • 登记状态：已报废。电子注销证明可在交管12123 App查看。
vehicles-reg-deregistered = • 登记状态：已注销，不得再上道路行驶。
vehicles-insp-valid = • 检验：✅ 有效期至 { $date }
vehicles-insp-due = • 检验：⚠️ 应于 { $date } 前检验（剩余 { $days } 天）。现在即可到任一检验机构检验，检验合格后电子检验合格标志会出现在交管12123 App中。
vehicles-insp-overdue = • 检验：❗ 已于 { $date } 逾期（{ $days } 天）。检验合格前请勿上路行驶，请到检验机构预约检验。
vehicles-mortgage-none = • 抵押：无
vehicles-mortgage = • 抵押：{ $date } 起抵押给{ $lender }。还清贷款后，可在该金融机构的交管服务站办理解除抵押登记。
vehicles-violations-none = • 违法：无未处理完毕的记录
vehicles-violations-open = • 违法：{ $count } 条未缴款（{ $unprocessed ->
        [0] 已处理未缴款 { $processed } 条
       *[other] 未处理 { $unprocessed } 条{ $processed ->
            [0] {""}
           *[other] ，已处理未缴款 { $processed } 条
        }
    }）
vehicles-accidents-none = • 事故：无正在处理的事故
vehicles-accident-pending = • { $date } 在{ $place }的事故：⏳ 待处理
vehicles-accident-in_progress = • { $date } 在{ $place }的事故：🔄 处理中
vehicles-accident-closed = • { $date } 在{ $place }的事故：✅ 已结案
vehicles-button-violations = 📋 { $plate } 的违法
vehicles-button-auth = 🔑 授权 { $plate }
vehicles-button-remove = 🗑 移除 { $plate }
vehicles-button-remove-title = 🗑 移除车辆
vehicles-button-add = ➕ 添加其他车辆
vehicles-ask-plate = 请输入车辆号牌号码，例如 京A12345（或 /cancel 取消）。
vehicles-ask-engine = { $plate } 不在您的名下。如需添加，请输入该车<b>发动机号后6位</b>（见行驶证），例如 123456。输入 /cancel 取消。
vehicles-engine-format = 请准确输入 { $plate } 发动机号的最后6位字母或数字，例如 123456（或 /cancel 取消）。
vehicles-engine-mismatch = 号牌 { $plate } 与该发动机号不匹配。请核对行驶证后重试（还可尝试 { $left } 次），或 /cancel 取消。
vehicles-engine-locked = 发动机号错误次数过多。为保护您的安全，添加车辆功能暂停 { $minutes } 分钟。
vehicles-added = ✅ 已将 { $plate } 添加到您的车辆。
vehicles-added-limit = 您已添加5辆其他车辆，已达上限。请先在"我的车辆"中移除一辆。
vehicles-removed = 已从您的车辆中移除 { $plate }。
vehicles-remove-unknown = 该车辆不在您添加的车辆中。
vehicles-form-hint = 请重新输入，或 /cancel 取消。
vehicles-auth-menu = 🔑 电子行驶证授权
vehicles-auth-title = <b>机动车电子行驶证授权</b>
    机动车所有人可以授权他人在一定期限内使用本车电子行驶证（委托他人代办业务）。
vehicles-auth-vehicle = 🚗 <b>{ $plate }</b> · { $brand }：{ $count ->
        [0] 暂无授权
       *[other] { $count } 项授权
    }
vehicles-auth-item-active = • { $name }（{ $id }）：{ $start } → { $end }，✅ 生效中
vehicles-auth-item-later = • { $name }（{ $id }）：{ $start } → { $end }，⏳ 尚未开始
vehicles-auth-no-vehicles = 只有机动车所有人可以授权他人，您名下没有登记的机动车。
vehicles-auth-not-owner = 只有机动车所有人可以授权他人使用电子行驶证，该车不在您的名下。
vehicles-auth-button-new = ➕ 为 { $plate } 新增授权
vehicles-auth-button-revoke = ✖ 撤销{ $name }（{ $plate }）
vehicles-auth-button-confirm = ✅ 确认
vehicles-auth-button-cancel = ✖ 取消
vehicles-auth-ask-id = 授权他人使用 { $plate } 的电子行驶证。请输入被授权人的<b>身份证号码</b>（18位），或 /cancel 取消。
vehicles-auth-self = 这是您本人的身份证号码：作为所有人您始终可以使用。请输入被授权人的身份证号码，或 /cancel 取消。
vehicles-auth-ask-name = 请输入被授权人的<b>姓名</b>，须与身份证一致。
vehicles-auth-name-format = 姓名只能包含汉字或字母（最多30个），例如 王芳 或 Wang Fang。
vehicles-auth-ask-period = 授权多长时间？请在下方选择，或输入起止日期，例如 <code>{ $today } 2026-12-31</code>。可从今天或90天内的某天开始，最长一年。
vehicles-auth-preset = { $days ->
        [365] 1年
       *[other] { $days }天
    }
vehicles-auth-period-format = 请输入两个日期：开始日和结束日，例如 <code>{ $today } 2026-12-31</code>。
vehicles-auth-period-start-past = 开始日期不能早于今天（{ $today }），请重新输入日期。
vehicles-auth-period-start-too-late = 授权须在今天（{ $today }）起90天内开始，请重新输入日期。
vehicles-auth-period-end-before-start = 结束日期早于开始日期，请重新输入日期。
vehicles-auth-period-too-long = 授权期限最长一年，请重新输入日期。
vehicles-auth-summary = <b>请确认授权信息</b>
    车辆：{ $plate }
    被授权人：{ $name }（{ $id }）
    期限：{ $start } → { $end }
    期限内对方可在交管12123 App中出示、使用本车电子行驶证。您可随时撤销。
vehicles-auth-press-button = 请点击下方的 ✅ 确认 或 ✖ 取消（或 /cancel）。
vehicles-auth-granted = ✅ 已为 { $plate } 完成授权。
vehicles-auth-cancelled = 已取消，未作任何授权。
vehicles-auth-revoked = ✅ 已撤销 { $plate } 的该项授权。
vehicles-auth-revoke-unknown = 未找到该授权，或已被撤销。
vehicles-auth-refused-not-owner = 只有机动车所有人可以授权他人，该车不在您的名下。
vehicles-auth-refused-self = 不能授权给自己。
vehicles-auth-refused-bad-id = 身份证号码无效，请重新开始。
vehicles-auth-refused-name-mismatch = 姓名与登记的身份证号码不一致，请核对后重新开始。
vehicles-auth-refused-duplicate = 此人已获得本车授权（至 { $end }）。如需设置新期限，请先撤销原授权。
vehicles-auth-refused-limit = 本车当前已有5项授权，已达上限，请先撤销一项。
