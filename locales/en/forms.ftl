## Forms that expired (bot/forms.py)

forms-expired = ⌛ Your form “{ $title }” was left unanswered for more than { $minutes } min and has expired. Nothing was submitted. You can start again:
forms-expired-gone = ⌛ Your form “{ $title }” was left unanswered for more than { $minutes } min and has expired. Nothing was submitted.
forms-restart-prompt = You can start again:
forms-restart = 🔄 Start again: { $title }
forms-outdated = This form has expired or was already submitted. Please start again from the menu.

## Submitted exactly once (bot/forms.py): the same form sent again, or cancelled after it was filed

forms-already-submitted = ℹ️ This was already submitted (once: nothing was filed twice).
forms-cancel-submitted = ℹ️ Nothing to cancel: this was already submitted.
forms-not-submitted = Nothing was submitted: this form is no longer open. Please start again from the menu.
