"""Dispatch: getting a need from the resident who asked to a neighbour who helps.

Its rooms, each using only those before it:

- `copy`: the words, for volunteers, residents and coordinators, apart from the moves;
- `waves`: offers a few volunteers at a time, wider each wave, then the coordinators (a confirmed
  request's first wave runs as a job, after the reply);
- `reminders`: the evening-before and the soon reminders of a ride, and the driver check;
- `safety`: the "reply OK when you are home" after a late visit or ride, and its alert;
- `notes`: what a helper notes on a task for the coordinators (NOTE 427 ...);
- `commands`: what a volunteer does with a task (claim, PASS, DONE, DROP, confirm a ride);
- `resident`: what a resident's choices do (withdraw, cancel a ride, STOP, not helped).

The names below are the operations other layers call.
"""
from ..offers import new_code
from . import notes, safety
from .commands import claim, complete, confirm_ride, drop, pass_offer, release
from .resident import after_opt_out, cancel_ride, reopen, withdraw
from .waves import begin, begin_ride, start, start_ride

__all__ = [
    "notes", "safety", "new_code", "claim", "complete", "confirm_ride", "drop", "pass_offer", "release",
    "after_opt_out", "cancel_ride", "reopen", "withdraw", "start", "start_ride", "begin", "begin_ride",
]
