# A programme of two action learning sets, evaluated the way the report on
# this practice evaluated its own. lee leads the programme "South West".
# West (facilitator wanda): ana, ben, cy, dan, eli; mentors mo and mia.
# East (facilitator ed): fay, gus, hana, ivo; mentors meg and max.
# Members come from six councils; ivo withdraws after session 2. Members
# rate themselves on the six outcomes before the first session and again
# at the end; both end-of-programme questionnaires (members, mentors) are
# sent and partly answered.
# Replay it with: go run ./cmd/alsbot < examples/programme.als
# (the report is written under ALSBOT_DATA_DIR/files).
# handlers/programme_example_test.go runs this file and computes every
# programme figure from these lines, so keep each line's meaning plain.

:dm
@lee /als programme create South West
:dm off

:channel west-set
@wanda /als setup West
/als members add @ana @ben @cy @dan @eli
/als mentor @mo for @ana
/als mentor @mo for @ben
/als mentor @mo for @eli
/als mentor @mia for @cy
/als mentor @mia for @dan
/als member @ana org "Bristol City Council"
/als member @ben org "Bristol City Council"
/als member @cy org "Bath and North East Somerset Council"
/als member @dan org "South Gloucestershire Council"
/als programme add-set to South West
@eli /als my org North Somerset Council

:channel east-set
@ed /als setup East
/als members add @fay @gus @hana @ivo
/als mentor @meg for @fay
/als mentor @meg for @gus
/als mentor @max for @hana
/als mentor @max for @ivo
/als member @fay org "Devon County Council"
/als member @gus org "Devon County Council"
/als member @hana org "Plymouth City Council"
/als member @ivo org "Torbay Council"
/als programme add-set to South West

# The lead switches the practice log on and sends the outcome self-assessment.
:dm
@lee /als programme practice-log on
/als questionnaire create start from outcomes-start
/als questionnaire create end from members-end
/als questionnaire create mentors from mentors-end
/als questionnaire send start to members by {today+14d}

# Before the first session: seven of the nine members rate themselves (dan and ivo do not).
@ana /als questionnaire answer start analytical=2 supervision=2 standards=1 recording=2 decisions=3 sharing=2
@ben /als questionnaire answer start analytical=3 supervision=3 standards=2 recording=2 decisions=3 sharing=2
@cy /als questionnaire answer start analytical=2 supervision=3 standards=2 recording=3 decisions=3 sharing=1
@eli /als questionnaire answer start analytical=3 supervision=2 standards=2 recording=2 decisions=2 sharing=2
@fay /als questionnaire answer start analytical=2 supervision=2 standards=2 recording=3 decisions=3 sharing=2
@gus /als questionnaire answer start analytical=3 supervision=3 standards=3 recording=3 decisions=3 sharing=3
@hana /als questionnaire answer start analytical=2 supervision=3 standards=2 recording=2 decisions=3 sharing=1
:dm off

# Session 1.
:advance 1d
:channel west-set
@wanda /als session start
@ana /als here
@ben /als here
@cy /als here
@dan /als here
@eli /als here
@ana /als commit Sit in on two duty handovers
@ben /als commit Agree a supervision rota with the team
@wanda /als session end
@ana /als feedback 4
@ben /als feedback 5
@cy /als feedback 3
:channel east-set
@ed /als session start
@fay /als here
@gus /als here
@hana /als here
@ivo /als here
@fay /als commit Run a group supervision on a complex case
@ed /als session end
@fay /als feedback 4
@gus /als feedback 3
:advance 7d
:channel west-set
@mo /als mentoring log @ana
@mo /als mentoring log @eli
@mia /als mentoring log @cy
@ana /als report C-1 done Sat in on two handovers; notes are now shared
@ben /als report C-2 progress Draft rota shared with the team
:channel east-set
@meg /als mentoring log @fay
@meg /als mentoring log @gus
@max /als mentoring log @hana
@fay /als report C-1 done Ran it; the team asked for another

# Session 2.
:advance 28d
:channel west-set
@wanda /als session start
@ana /als here
@ben /als here
@cy /als here
@dan /als here
@eli /als here
@cy /als commit Try a reflective model in supervision
@wanda /als session end
:channel east-set
@ed /als session start
@fay /als here
@gus /als here
@hana /als here
@ivo /als here
@ed /als session end
@ivo /als feedback 2
@ed /als members remove @ivo withdrew changed jobs
:advance 7d
:channel west-set
@mo /als mentoring log @ana
@mo /als mentoring log @ben
@mo /als mentoring log @eli
:channel east-set
@meg /als mentoring log @fay
@meg /als mentoring log @gus
:channel west-set
@ana /als log visit Debriefed with the worker in the car

# Session 3.
:advance 28d
:channel west-set
@wanda /als session start
@ana /als here
@ben /als here
@cy /als here
@eli /als here
@wanda /als session end
@ana /als feedback 5
@eli /als feedback 4
:channel east-set
@ed /als session start
@fay /als here
@gus /als here
@hana /als here
@ed /als session end
:advance 7d
:channel west-set
@mo /als mentoring log @ana
@mo /als mentoring log @eli
:channel east-set
@meg /als mentoring log @fay
@meg /als mentoring log @gus
:channel east-set
@fay /als log group-supervision Used the reflective model from the set

# Session 4.
:advance 28d
:channel west-set
@wanda /als session start
@ana /als here
@ben /als here
@dan /als here
@eli /als here
@wanda /als session end
:channel east-set
@ed /als session start
@fay /als here
@hana /als here
@ed /als session end
:advance 7d
:channel west-set
@mo /als mentoring log @ben
@mo /als mentoring log @eli
:channel west-set
@eli /als log visit
:channel west-set
@ana /als log group-supervision

# Session 5.
:advance 28d
:channel west-set
@wanda /als session start
@ana /als here
@cy /als here
@eli /als here
@wanda /als session end
:channel east-set
@ed /als session start
@fay /als here
@gus /als here
@hana /als here
@ed /als session end
@hana /als feedback 4
:advance 7d

# Session 6.
:advance 28d
:channel west-set
@wanda /als session start
@ana /als here
@ben /als here
@eli /als here
@wanda /als session end
@ana /als feedback 5
@ben /als feedback 4
@eli /als feedback 5
:channel east-set
@ed /als session start
@fay /als here
@gus /als here
@ed /als session end
@fay /als feedback 5
@gus /als feedback 4
:advance 7d

# The end: both end-of-programme questionnaires go out.
:advance 1d
:dm
@lee /als questionnaire send end to members by {today+21d}
/als questionnaire send mentors to mentors by {today+21d}

# Six of the eight members still in the sets answer, and three of the four mentors.
@ana /als questionnaire answer end analytical=4 supervision=4 standards=3 recording=3 decisions=4 sharing=4 helped_most="Both equally" helped="Being asked questions instead of being given answers" in_the_way="Caseload pressure before sessions"
@ben /als questionnaire answer end analytical=3 supervision=4 standards=3 recording=3 decisions=4 sharing=3 helped_most="The set sessions" comments="I would like the sets to continue" show_name=yes
@cy /als questionnaire answer end analytical=3 supervision=3 standards=2 recording=3 decisions=3 sharing=2 helped_most="The set sessions" in_the_way="Travel time to the venue"
@eli /als questionnaire answer end analytical=5 supervision=4 standards=4 recording=4 decisions=4 sharing=4 helped_most="Mentoring between sessions" helped="My mentor made me reflect on each visit"
@fay /als questionnaire answer end analytical=4 supervision=4 standards=4 recording=4 decisions=4 sharing=4 helped_most="Both equally" helped="Trying things between sessions and reporting back"
@gus /als questionnaire answer end analytical=4 supervision=3 standards=4 recording=4 decisions=4 sharing=4 in_the_way="Staff shortages meant I missed a session"
@mo /als questionnaire answer mentors analytical=4 supervision=4 standards=3 recording=3 decisions=4 sharing=3 sessions="3 to 5" helped="Regular slots agreed at the start"
@meg /als questionnaire answer mentors analytical=4 supervision=3 standards=3 recording=3 decisions=4 sharing=4 sessions="3 to 5" in_the_way="Finding time in both diaries"
@max /als questionnaire answer mentors analytical=3 supervision=3 standards=2 recording=3 decisions=3 sharing=2 sessions="1 or 2"

# ana changes one answer before the close.
:advance 2d
@ana /als questionnaire answer end sharing=5

# After the close, the lead reads the figures and writes the report.
:advance 21d
@lee /als programme
/als programme report
