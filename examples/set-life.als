# A set's life over six sessions: fran facilitates ana, ben, cat and dev;
# mo mentors ana and ben, max mentors cat. Attendance varies, members commit
# and report back, mentors log their meetings, members give feedback, and at
# the end fran sees the figures and exports the records.
# Replay it with: go run ./cmd/alsbot < examples/set-life.als
# (stats and export write their files under ALSBOT_DATA_DIR/files).
# handlers/setlife_test.go runs this file and checks every figure of stats
# against figures it computes from these lines, so keep each line's meaning
# plain: rounds name their presenter (and observer when three or more are in).

@fran /als setup West set
/als members add @ana @ben @cat @dev
/als mentor @mo for @ana
/als mentor @mo for @ben
/als mentor @max for @cat

# Session 1: everyone is in.
:advance 1h
@fran /als session start
@ana /als here
@ben /als here
@cat /als here
@dev /als here
@fran /als round start @ana observer @ben
/als round end
@ana /als commit Talk to the duty team about handovers
@fran /als round start @cat observer @dev
/als round end
@cat /als commit Shadow a home visit with a new worker
@fran /als session end
@ana /als feedback 5 Very useful
@ben /als feedback 4
@cat /als feedback 3 Too rushed at the end

:advance 5d
@mo /als mentoring log @ana Talked about handovers
@ana /als report C-1 progress Spoke to two of the three team leads
@cat /als report C-2 done Shadowed a visit; learned to listen first

# Session 2: cat is away.
:advance 30d
@fran /als session start
@ana /als here
@ben /als here
@dev /als here
@fran /als round start @ben observer @ana
/als round end
@ben /als commit Agree a rota with the out-of-hours team
@fran /als round start @dev observer @ben
/als round end
@dev /als commit Try supervision notes in the new template
@fran /als session end
@ana /als feedback 4
@ben /als feedback 5 Good questions
@dev /als feedback 2 More structure please

:advance 3d
@mo /als mentoring log @ana
@mo /als mentoring log @ben First meeting
@max /als mentoring log @cat Caught up on the visit
@ana /als report C-1 done Handovers are now written down
@ben /als report C-3 blocked No time with the out-of-hours manager

# Session 3: everyone is in; ana changes her mind about her rating.
:advance 30d
@fran /als session start
@ana /als here
@ben /als here
@cat /als here
@dev /als here
@fran /als round start @ana observer @cat
/als round end
@ana /als commit Run a team huddle every Monday
@fran /als session end
@ana /als feedback 4
@cat /als feedback 4
@ana /als feedback 5 On reflection, the best one yet

:advance 4d
@mo /als mentoring log @ana Huddles
@ben /als report C-3 progress Met the manager at last
@dev /als report C-4 done The template works
@ben /als commit Read the out-of-hours policy

# Session 4: only ana and cat.
:advance 30d
@fran /als session start
@ana /als here
@cat /als here
@fran /als round start @cat
/als round end
@cat /als commit Ask for a co-worker on complex cases
@fran /als session end
@cat /als feedback 3

:advance 2d
@mo /als mentoring log @ana
@mo /als mentoring log @ben

# Session 5: dev is away.
:advance 30d
@fran /als session start
@ana /als here
@ben /als here
@cat /als here
@fran /als round start @ben observer @cat
/als round end
@ben /als commit Write up the rota agreement
@fran /als session end
@ana /als feedback 5
@ben /als feedback 4
@cat /als feedback 4 Felt heard

:advance 6d
@ben /als report C-8 done Rota agreed and shared
@cat /als report C-7 progress Asked; waiting for an answer

# Session 6: everyone is in; two rounds.
:advance 30d
@fran /als session start
@ana /als here
@ben /als here
@cat /als here
@dev /als here
@fran /als round start @dev observer @ana
/als round end
@dev /als commit Share the template with the other teams
@fran /als round start @ana observer @ben
/als round end
@ana /als commit Hand the huddle over to a deputy
@fran /als session end
@ana /als feedback 5
@dev /als feedback 3

# The figures and the records.
@fran /als stats
/als export
