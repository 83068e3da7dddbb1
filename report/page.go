package report

// page is the report's template. It links to nothing: styles are inline,
// charts are inline SVG, and there are no scripts, so the file opens the
// same offline, in a mail attachment or printed.
const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evaluation report: {{.F.Programme}}</title>
<style>
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #d0d0d0; --band: #f3f5f7; }
* { box-sizing: border-box; }
body { font: 15px/1.5 Georgia, "Times New Roman", serif; color: var(--ink); max-width: 60rem; margin: 2rem auto; padding: 0 1.25rem; }
h1, h2, h3 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.2; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
p.meta, p.note { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font: 14px/1.35 "Helvetica Neue", Arial, sans-serif; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .5rem; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 2px solid var(--ink); }
tr.total td { font-weight: bold; border-top: 2px solid var(--ink); }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { flex: 1 1 12rem; background: var(--band); padding: .7rem .9rem; border-left: 4px solid #1f5f8b; }
.card .n { display: block; font: bold 1.35rem "Helvetica Neue", Arial, sans-serif; }
.card .l { color: var(--muted); font-size: .85rem; }
svg.chart { width: 100%; height: auto; margin: .5rem 0 1rem; font-family: "Helvetica Neue", Arial, sans-serif; }
svg .grid { stroke: var(--rule); stroke-width: 1; }
svg .tick { font-size: 12px; fill: var(--muted); }
svg .val { font-size: 11px; fill: var(--ink); }
svg .track { fill: var(--band); }
blockquote { margin: .4rem 0; padding: .3rem .8rem; border-left: 3px solid var(--rule); background: #fafafa; }
blockquote cite { display: block; color: var(--muted); font-size: .85rem; font-style: normal; }
dl.defs dt { font-weight: bold; margin-top: .5rem; }
dl.defs dd { margin-left: 1.2rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-before: auto; break-after: avoid; }
  h3 { break-after: avoid; }
  table, svg.chart, blockquote, .card { break-inside: avoid; }
  .card { border: 1px solid var(--rule); border-left: 4px solid #1f5f8b; }
  a { color: inherit; text-decoration: none; }
  @page { size: A4; margin: 18mm 16mm; }
}
</style>
</head>
<body>
<header>
<h1>Evaluation report: {{.F.Programme}}</h1>
<p class="meta">Action learning programme of {{len .F.Sets}} set{{if ne (len .F.Sets) 1}}s{{end}}{{range $i, $s := .F.Sets}}{{if $i}},{{end}} {{$s.Name}}{{end}}. Generated {{.Generated}} by alsbot.</p>
</header>

<section id="summary">
<h2>Summary</h2>
<div class="cards">
<div class="card"><span class="n" id="fig-started">{{.F.Overall.Started}}</span><span class="l">members started</span></div>
<div class="card"><span class="n" id="fig-finished">{{.F.Overall.Finished}}</span><span class="l">finished ({{.F.Overall.Withdrawn}} withdrew)</span></div>
<div class="card"><span class="n" id="fig-q-members">{{.F.Overall.QuestionnaireMembers}}</span><span class="l">members answered the end-of-programme questionnaire</span></div>
<div class="card"><span class="n" id="fig-q-mentors">{{.F.Overall.QuestionnaireMentors}}</span><span class="l">mentors answered theirs</span></div>
<div class="card"><span class="n" id="fig-cohort">{{.F.Overall.Cohort}}</span><span class="l">attended 5+ sessions and had 3+ mentoring sessions</span></div>
<div class="card"><span class="n" id="fig-rating">{{mean .F.Overall.Ratings}}</span><span class="l">mean session rating (1 to 5)</span></div>
</div>
</section>

<section id="members">
<h2>Members and attendance</h2>
<table id="table-members">
<thead><tr><th>Set</th><th>Started</th><th>Withdrawn</th><th>Finished</th><th>Mentors</th><th>Attended 5+ and 3+ mentoring</th></tr></thead>
<tbody>
{{range .AllGroups}}<tr{{if eq .Name "Overall"}} class="total"{{end}}><td>{{.Name}}</td><td>{{.Started}}</td><td>{{.Withdrawn}}</td><td>{{.Finished}}</td><td>{{.Mentors}}</td><td>{{.Cohort}}</td></tr>
{{end}}</tbody>
</table>
{{.Attendance}}
<h3>Attendance scores</h3>
<p class="note">Members by the number of sessions they attended (withdrawn members included, with the sessions they came to).</p>
<table id="table-attendance">
<thead><tr><th>Sessions attended</th>{{range .AllGroups}}<th>{{.Name}}</th>{{end}}</tr></thead>
<tbody>
{{$groups := .AllGroups}}{{range maxHeld .F}}{{$v := .}}<tr><td>{{$v}}</td>{{range $groups}}<td>{{dist .Attendance $v}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
<h3>Mentoring received</h3>
<table id="table-mentoring">
<thead><tr><th>Mentoring sessions</th>{{range .AllGroups}}<th>{{.Name}}</th>{{end}}</tr></thead>
<tbody>
{{range .F.Overall.Mentoring}}{{$v := .Value}}<tr><td>{{$v}}</td>{{range $groups}}<td>{{dist .Mentoring $v}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
</section>

<section id="contribution">
<h2>Contribution rates by role</h2>
<table id="table-contribution">
<thead><tr><th>Who contributed</th>{{range .AllGroups}}<th>{{.Name}}</th>{{end}}</tr></thead>
<tbody>
<tr><td>Members who gave session feedback</td>{{range .AllGroups}}<td>{{.FeedbackMembers}}</td>{{end}}</tr>
<tr><td>Members who answered the end-of-programme questionnaire</td>{{range .AllGroups}}<td>{{.QuestionnaireMembers}}</td>{{end}}</tr>
<tr><td>Mentors who answered the end-of-programme questionnaire</td>{{range .AllGroups}}<td>{{.QuestionnaireMentors}}</td>{{end}}</tr>
<tr><td>Mentors who logged mentoring</td>{{range .AllGroups}}<td>{{.MentorsLogging}}</td>{{end}}</tr>
</tbody>
</table>
{{.Contribution}}
</section>

<section id="sessions">
<h2>Session ratings and the action cycle</h2>
<table id="table-ratings">
<thead><tr><th>Set</th><th>Mean rating</th><th>1</th><th>2</th><th>3</th><th>4</th><th>5</th><th>Commitments made</th><th>Reported on</th><th>Done</th></tr></thead>
<tbody>
{{range .AllGroups}}<tr{{if eq .Name "Overall"}} class="total"{{end}}><td>{{.Name}}</td><td>{{mean .Ratings}}</td>{{range .RatingCounts}}<td>{{.}}</td>{{end}}<td>{{.CommitmentsMade}}</td><td>{{.ReportedOn}}</td><td>{{.Done}}</td></tr>
{{end}}</tbody>
</table>
</section>

<section id="outcomes">
<h2>Outcomes before and after</h2>
{{if .HasOutcomes}}<p class="note">Members rated themselves on each outcome from 1 to 5 at the start and at the end. Change is the mean of each member's end rating minus their start rating, over the members who answered both; the cohort are the members who attended five or more sessions and had at least three mentoring sessions.</p>
<table id="table-outcomes">
<thead><tr><th>Outcome</th><th>Before</th><th>After</th><th>Change</th><th>Cohort</th><th>Rest</th></tr></thead>
<tbody>
{{range .F.Overall.Outcomes}}<tr><td>{{.Label}}</td><td>{{mean .Before}}</td><td>{{mean .After}}</td><td>{{signed .Change}}</td><td>{{signed .CohortChange}}</td><td>{{signed .RestChange}}</td></tr>
{{end}}</tbody>
</table>
{{.Outcomes}}{{else}}<p>No outcome self-assessment has been answered yet.</p>{{end}}
</section>

<section id="organisations">
<h2>By organisation</h2>
<table id="table-orgs">
<thead><tr><th>Organisation</th><th>Started</th><th>Withdrawn</th><th>Finished</th><th>Attended 5+ and 3+ mentoring</th><th>Gave feedback</th><th>Answered the questionnaire</th><th>Mean rating</th><th>Commitments made / done</th></tr></thead>
<tbody>
{{range .F.Orgs}}<tr><td>{{.Name}}</td><td>{{.Started}}</td><td>{{.Withdrawn}}</td><td>{{.Finished}}</td><td>{{.Cohort}}</td><td>{{.FeedbackMembers}}</td><td>{{.QuestionnaireMembers}}</td><td>{{mean .Ratings}}</td><td>{{.CommitmentsMade}} / {{.Done}}</td></tr>
{{end}}</tbody>
</table>
</section>

{{if .HasPractice}}<section id="practice">
<h2>Practice standards between sessions</h2>
<table id="table-practice">
<thead><tr><th>Group</th><th>Accompanied visits</th><th>Group supervisions</th><th>Members logging</th></tr></thead>
<tbody>
{{range .AllGroups}}<tr{{if eq .Name "Overall"}} class="total"{{end}}><td>{{.Name}}</td><td>{{.Visits}}</td><td>{{.GroupSupervisions}}</td><td>{{.MembersLoggingPractice}} of {{.Started}}</td></tr>
{{end}}{{range .F.Orgs}}<tr><td>{{.Name}}</td><td>{{.Visits}}</td><td>{{.GroupSupervisions}}</td><td>{{.MembersLoggingPractice}} of {{.Started}}</td></tr>
{{end}}</tbody>
</table>
<table id="table-practice-months">
<thead><tr><th>Month</th><th>Accompanied visits</th><th>Group supervisions</th></tr></thead>
<tbody>
{{range .F.Practice}}<tr><td>{{.Month}}</td><td>{{.Visits}}</td><td>{{.GroupSupervisions}}</td></tr>
{{end}}</tbody>
</table>
</section>{{end}}

<section id="questionnaires">
<h2>Questionnaires</h2>
{{range .F.Questionnaires}}<article class="questionnaire" id="q-{{.Name}}">
<h3>{{.Title}}</h3>
<p class="note">For {{role .Role}}, {{stage .Stage}}. Answered by {{.Responses}} of the people it was sent to{{if .Closes}}; open until {{range $i, $c := .Closes}}{{if $i}}, {{end}}{{$c}}{{end}}{{end}}.</p>
{{with scales .Questions}}<table class="answers scales"><thead><tr><th>Rating (1 {{index (index . 0).Labels 0}} … 5 {{index (index . 0).Labels 4}})</th><th>1</th><th>2</th><th>3</th><th>4</th><th>5</th><th>Mean</th></tr></thead><tbody>
{{range .}}<tr><td>{{.Text}}</td>{{range .Counts}}<td>{{.Members}}</td>{{end}}<td>{{mean .Mean}}</td></tr>
{{end}}</tbody></table>
{{end}}{{$all := .Questions}}{{range .Questions}}{{$q := .}}{{if not (grouped $all $q)}}<h4>{{.Text}}</h4>
{{if .Comments}}{{range .Comments}}<blockquote>{{.Text}}{{if .Name}}<cite>{{.Name}}</cite>{{end}}</blockquote>
{{end}}{{else if .Counts}}<table class="answers"><thead><tr><th>Answer</th><th>Respondents</th></tr></thead><tbody>
{{range .Counts}}<tr><td>{{label $q .}}</td><td>{{.Members}}</td></tr>
{{end}}{{if eq .Kind "scale"}}<tr class="total"><td>Mean</td><td>{{mean .Mean}}</td></tr>{{end}}</tbody></table>
{{else}}<p class="note">No answers.</p>
{{end}}{{end}}{{end}}</article>
{{else}}<p>No questionnaire has been sent yet.</p>
{{end}}</section>

<section id="method">
<h2>Method</h2>
<p>The figures come from what the sets recorded in alsbot as they worked: check-ins at each session, a feedback pulse (a rating from 1 to 5 and an optional comment) sent to every attendee when a session closed, the commitments members made and their report-backs, the mentoring sessions mentors logged{{if .HasPractice}}, members' practice log of accompanied visits and group supervisions{{end}}, and online questionnaires sent by direct message at the start and the end of the programme.</p>
<ul>
{{range .F.Sets}}<li>{{.Name}}: {{sessionRange .}}, {{.Started}} members started, {{.Mentors}} mentors.</li>
{{end}}{{range .F.Questionnaires}}<li>{{.Title}} ({{role .Role}}, {{stage .Stage}}): sent to {{.Recipients}}, answered by {{.Responses}}.</li>
{{end}}</ul>
<dl class="defs">
<dt>Started, withdrawn, finished</dt><dd>Members of a set now, plus those recorded as withdrawn; finished is started minus withdrawn.</dd>
<dt>Attendance score</dt><dd>The number of sessions held (opened) that a member checked in to.</dd>
<dt>Contribution rate</dt><dd>"N of M (P %)": N people of a role who contributed, of the M who started (members) or were mentors; P rounded to the nearest whole per cent.</dd>
<dt>Cohort</dt><dd>Members with an attendance score of five or more who received at least three mentoring sessions.</dd>
<dt>Outcome change</dt><dd>For each member who rated an outcome at the start and at the end, the end rating minus the start rating; the table shows the mean of these.</dd>
</dl>
<p class="note">Answers are confidential. This report shows figures and comments without names; a name appears beside a comment only where its author chose to be named. Comments are sorted alphabetically, so their order says nothing about who wrote them.</p>
</section>
</body>
</html>
`
