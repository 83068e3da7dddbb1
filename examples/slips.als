# A facilitator (fran) makes each slip of issue 13's trial and fixes it.
# Replay it with:  go run ./cmd/alsbot < examples/slips.als
# {tomorrow} becomes tomorrow's date when the line runs.
#
# Hand count at the end: 1 session held (the start made by mistake is
# undone), attendance 3 of 4 members (ana, ben, cat; dev's check-in is
# undone), 1 presentation (ana; ben's round is cancelled), 1 observation
# (cat), 2 commitments made (C-1 and its duplicate C-2), 1 dropped (C-2),
# 0 done, 1 mentoring session (ana, with mo).

@fran /als setup North set
/als timezone London
/als members add @ana @ben @cat @dev
# Slip: ana made co-facilitator when she was meant to get a mentor.
/als facilitator add @ana
/als facilitator remove @ana
/als mentor @mo for @ana

# 90 is minutes; a second session at the same time is refused.
/als session add {tomorrow} 14:00 90
/als session add {tomorrow} 2pm 2h Room 4
# A schedule in words is only previewed until confirmed.
/als schedule monthly first friday 14:00 2h

# Slip: the session started a day early, and someone checked in.
/als session start
@ana /als here
@fran /als session undo start
/als session undo start confirm

:advance to {tomorrow} 13:55
@fran /als session start
@ana /als here
@ben /als here
@cat /als here
# Slip: dev checked in from the wrong meeting.
@dev /als here
@dev /als not here

# Slip: the wrong presenter.
@fran /als round start @ben observer @cat
/als round cancel
/als round start @ana observer @cat
:advance 40m
/als round end

# A date that does not exist is refused, never kept as text.
@ana /als commit Talk to the agency about notice periods by 31/02/2027
@ana /als commit Talk to the agency about notice periods by next friday
# Slip: the same commitment twice.
@ana /als commit Talk to the agency about notice periods
@ana /als commitment drop C-2 duplicate of C-1
@ana /als commitment edit C-1 Talk to the agency about notice periods and cover by next friday
@fran /als session end

# A bad date before the note is refused, so one meeting never counts twice.
@mo /als mentoring log @ana 16/13/2026 Talked it through
@mo /als mentoring log @ana today Talked it through

@fran /als stats
