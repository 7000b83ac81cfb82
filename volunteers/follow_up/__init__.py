"""The year's follow-up emails, each kind (Delivery.Kind) at most once per person and month:
- the monthly reminder, on the volunteer's reminder day;
- instead of it, after 3 and 6 whole months without an hour, a gentle « vous nous manquez »;
- late in the month, a « did you manage? » nudge to those reminded who have not logged an hour;
- on the first days of a month, the previous month's summary to each territory's staff;
- an account unused for almost two years: a warning a month, then a week, before its
  anonymisation (the anonymisation itself is in volunteers/inactivity.py).

One module per job:
- rules.py: the calendar of the kinds, and whether an email is still wanted when its turn comes;
- planning.py: who is due on a day (reads the database, writes no row);
- emails.py: what each kind says (its subject, templates and context, in `EMAILS`), and what a
  batch of them reads, once for all its emails (`Composer`);
- sending.py: the Delivery rows planned and sent exactly once; volunteers/tasks.py runs it.

A new kind of message is a Delivery.Kind, a query in planning.py yielding its `Due` rows, its
entry in emails.EMAILS with its two templates (what it reads of people, read by the Composer
for the whole batch) and, if people may turn it off, its switch in
volunteers.models.EMAIL_PREFERENCES (read by rules.reason_not_to_send and the one-click
unsubscribe) with its box in forms.EmailPreferencesForm.
"""
