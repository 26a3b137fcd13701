## 电子驾驶证

elicense-menu-check = 📲 电子驾驶证：能否申领
elicense-menu-apply = 📲 申领电子驾驶证
elicense-menu-show = 📲 出示电子驾驶证
elicense-apply-button = 📲 立即申领
elicense-review-button = 📨 申请车管所审核
elicense-refresh-button = 🔄 刷新验证码
elicense-no-license = 您的身份下没有驾驶证记录，无法申领电子驾驶证。
elicense-already-issued = ✅ 您已领取电子驾驶证，可随时出示。
elicense-eligible = ✅ 您可以申领电子驾驶证：驾驶证状态正常，您所在城市已开通。申请后立即发放。
elicense-city-not-open = { $city }将于 <b>{ $date }</b> 开通电子驾驶证，届时即可申领。
elicense-city-unknown = 您所在城市尚未开通电子驾驶证，开通日期尚未公布。
elicense-also-blocked = 此外，需要先解决以下 { $count } 个问题：
elicense-blocked = ❌ 您暂时不能申领电子驾驶证，原因如下（共 { $count } 项）：
elicense-review-offer = 如因特殊原因（例如无法本人到场）无法申领，可以申请驾驶证核发地车管所审核。
elicense-remedy-line = • <b>{ $status }</b>：{ $step }
elicense-remedy-expired = 驾驶证已于 { $valid_to } 过期。请先换证（有体检结果即可邮寄换证），再申领。
elicense-remedy-revoked = 驾驶证已被吊销，不能使用。何时可以重新申领请咨询{ $office }。
elicense-remedy-detained = 驾驶证被扣押。请到扣押凭证载明的公安交管部门处理（或咨询{ $office }），驾驶证返还后再申领。
elicense-remedy-temporarily-detained = 驾驶证被暂扣。请在暂扣期满、领回驾驶证后再申领。
elicense-remedy-exam-overdue = 体检应于 { $due } 前完成。请{ $known ->
        [yes] 到{ $city }（驾驶证核发地）的 { $community } 家社区（乡镇）医院或 { $hospitals } 家二级以上医院之一
       *[no] 到{ $city }（驾驶证核发地）的指定医疗机构
    }体检，结果网上传输。
elicense-remedy-periodic-overdue = 审验应于 { $due } 前完成。请携带身份证、驾驶证和体检结果到{ $office }办理。
elicense-remedy-stop-use = 驾驶证已公告停止使用。请先到{ $office }申领新证或补证。
elicense-issued = ✅ 电子驾驶证已发放。电子驾驶证与纸质驾驶证具有同等法律效力，全国通用。
elicense-review-pending = 您已于 { $date } 申请审核，车管所尚未作出决定。结果会在这里通知您。
elicense-review-ask = 请简要说明您的特殊情况（{ $min } 至 { $max } 个字符），例如 <i>我在外地工作，体检日期前无法回到车管所。</i>发送 /cancel 退出。
elicense-review-error-short = 请再详细说明一些（至少 { $min } 个字符），例如 <i>我在外地工作，无法回到车管所办理。</i>
elicense-review-error-long = 内容太长，请控制在 { $max } 个字符以内。
elicense-review-sent = 📨 您的申请已提交至{ $office }。车管所审核后，结果会在这里通知您。
elicense-not-issued = 您还没有电子驾驶证。
elicense-card-title = 📲 <b>电子驾驶证</b>
elicense-card-line = 准驾车型 <b>{ $license_class }</b> · 证号 { $number } · 有效期 { $valid_from } 至 { $valid_to }
elicense-card-status = 当前状态：<b>{ $statuses }</b>
elicense-card-points = 本记分周期已记 { $points } 分，满分 12 分（周期截至 { $cycle_end }）
elicense-card-blocked = ⚠️ 当前不可使用：{ $statuses }。请先处理，处理期间适用纸质驾驶证的相关规定。
elicense-card-usable = ✅ 全国通用，与纸质驾驶证具有同等法律效力。
elicense-card-code = 验证码：<code>{ $code }</code>（{ $seconds } 秒内有效；点击“刷新验证码”获取新的验证码）
