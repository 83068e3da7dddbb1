# Reminders, a nudge and the report-back digest, played over eight days.
# Replay it with: go run ./cmd/alsbot < examples/reminders.als
# {today+8d} becomes the date eight days after the shell's clock (UTC); the
# set's zone is UTC since shell users tell no zone.

@fran /als setup West set
/als members add @ana @ben @cat
/als reminders 7d,1d,1h
/als session add {today+8d} 18:00 2h Room 4
/als session add {today+9d} 18:00 2h Room 5
/als sessions

# Members record what they will do before the session; cat has nothing yet.
@ana /als commit Talk to the duty team about handovers
@ben /als commit Try a new supervision format

# The second session is called off: none of its reminders will come.
@fran /als session cancel 2

# Eight days pass, a day at a time. Each reminder comes out once at its time
# (7 days before in #als; 1 day and 1 hour before in each member's DM, with
# their open commitment); on Monday at 09:00 the nudge asks
# members with an open commitment how it is going; a day before the session
# the report-back digest comes to #als.
:advance 1d
:advance 1d
:advance 1d
@ben /als report C-2 progress Tried it once with the team: questions first, advice later
:advance 1d
:advance 1d
:advance 1d
:advance 1d
:advance 1d
:advance 12h
@fran /als sessions
