# The worked session of README.md and docs/user-guide.md. Replay it with:
#   go run ./cmd/alsbot < examples/readme-session.als
# {tomorrow} becomes tomorrow's date (UTC) when the line runs.

@fran /als setup North set
/als members add @ana @ben @cat @dev
/als session add {tomorrow} 14:00 2h Room 2

:advance to {tomorrow} 13:55
@fran /als session start
@ana /als here
@ben /als here
@cat /als here
@dev /als here
@ana /als bid Supervision backlog

@fran /als round start
:advance 10m
@fran /als round next
:advance 25m
/als round end
@ana /als commit Book a supervision slot with each of my two newest workers by {tomorrow+14d}

@fran /als round start
:advance 45m
/als round end
/als session end

:advance 7d
@ana /als actions
/als report C-1 done Both slots booked; the first one showed the backlog was about unclear case notes.
