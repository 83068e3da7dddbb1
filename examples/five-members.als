# A set of five: fran facilitates ana, ben, cat, dev and eve.
# Replay it with: go run ./cmd/alsbot < examples/five-members.als
# {tomorrow} becomes tomorrow's date (UTC) when the line runs.

@fran /als setup West set
/als members add @ana @ben @cat @dev @eve
/als session add {tomorrow} 10:00 2h Room 4
/als sessions

# The morning of the session.
:advance to {tomorrow} 09:55
@fran /als session start
@ana /als here
@ben /als here
@cat /als here
@dev /als here
@eve /als here
@cat /als bid Rota gaps over Christmas

# Round 1: cat bid, so cat presents; the phases move on one by one.
@fran /als round start
/als round next
/als round next
/als round next
/als round status
/als round end

# Rounds 2 and 3: roles chosen fairly among those who have not presented.
/als round start
/als round next
/als round end
/als round start
/als round end

# Members record what they will do before the next session.
@ana /als commit Ask the duty team lead for a rota review meeting
@ben /als commit Try a weekly check-in with the new social worker by {tomorrow+14d}
@ana /als actions
@fran /als session end

# Three days later ana reports back.
:advance 3d
@ana /als report C-1 progress Meeting booked for Thursday; I listened more than I talked.
/als actions
