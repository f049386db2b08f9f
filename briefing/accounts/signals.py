"""What other apps hear about a reader's account, so that accounts imports none
of them: each app that keeps something of a reader's answers for its own part.

- `account_erased(sender=User, user=...)` is sent inside the erasure's
  transaction, with the account still as it was: a receiver erases what its
  app holds of `user` (their comments' text, reactions, notifications...).
  An exception undoes the whole erasure, to be retried at the next run.
- `personal_data_requested(sender=User, user=...)`: a receiver returns a dict
  of sections ({"comments": [...]}) for the reader's export, holding nothing
  about other readers beyond their public usernames.
"""

from django.dispatch import Signal

account_erased = Signal()
personal_data_requested = Signal()
