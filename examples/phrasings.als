# Everyday phrasings a busy facilitator and members type, and what the bot
# makes of them: UK dates (day first), times, lengths, "I'm here", time zone
# names, bare minutes in phases. Each answer says what it understood.
# Replay it with:  go run ./cmd/alsbot < examples/phrasings.als
# (the test, handlers/phrasings_test.go, runs it from Tue 1 Dec 2026 09:00 UTC)

@fran /als setup North set
# A zone by the name people use.
/als timezone London
/als members add @ana @ben @cat
# A bare number is minutes, as in session add.
/als phases questioning=30 action=5
# Dates day first, times as written, lengths in minutes or hours.
/als session add 23/12/2026 2pm 90
/als session add 13 Jan 2027 10:00 1.5h Teams link https://teams.example/meet
/als session add next friday 2.30pm 1h30 Room 4
# "for" before a length: the place is what follows.
/als session add 20/01/2027 10am for 2 hours in the Civic Centre
# Month first is not a date here: 12/23 would be the 12th of month 23.
/als session add 12/23/2026 14:00
/als sessions

:advance to 2026-12-04 14:25
@fran /als session start
@ana /als I'm here
@ben /als I am here
@cat /als here
@ana /als bid Agency notice periods
@fran /als round start
/als round status
/als round end
@ana /als commit Talk to the agency about notice periods by 31/12/2026
@ben /als commit Shadow a duty manager by next friday
@cat /als commit Ask for a rota review by end of next week
@cat /als commit Ask for cover by 31/02/2027
@fran /als session end
# A rating as people write it.
@ana /als feedback 4/5 Useful questions
@fran /als mentor @mo for @ana
# For something that happened, a day and month is the latest one not after today.
@mo /als mentoring log @ana 2/12 Talked it through
@mo /als mentoring log @ana yesterday Called about the agency
@mo /als mentoring log @ana 3 days ago Quick catch-up
@fran /als stats
