## 已过期的表单（bot/forms.py）

forms-expired = ⌛ 您填写的“{ $title }”超过 { $minutes } 分钟没有回复，已过期，未提交任何内容。您可以重新开始：
forms-expired-gone = ⌛ 您填写的“{ $title }”超过 { $minutes } 分钟没有回复，已过期，未提交任何内容。
forms-restart-prompt = 您可以重新开始：
forms-restart = 🔄 重新开始：{ $title }
forms-outdated = 该表单已过期或已提交，请从菜单重新开始。

## 只提交一次（bot/forms.py）：同一表单再次提交，或已提交后取消

forms-already-submitted = ℹ️ 已经提交过了（只提交了一次，没有重复）。
forms-cancel-submitted = ℹ️ 无需取消：已经提交成功。
forms-not-submitted = 未提交任何内容：此表单已不再有效。请从菜单重新开始。
