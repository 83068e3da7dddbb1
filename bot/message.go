package bot

// Message is the neutral message every platform renders: Block Kit in Slack,
// an Adaptive Card in Teams, indented text in the shell. Renderers are pure
// functions of a Message.
type Message struct {
	Kind     MessageKind
	Title    string // a heading, optional
	Text     string // the main text; plain, with *bold* allowed
	Sections []Section
	Buttons  []Button
	Form     *Form // when set, the message asks for input (a modal in Slack, a card form in Teams)
	Files    []File
	Private  bool // a reply only the actor sees (ephemeral in Slack)
}

// MessageKind lets renderers pick a layout; it never changes what is said.
type MessageKind string

const (
	KindReply        MessageKind = "reply"
	KindError        MessageKind = "error"
	KindHelp         MessageKind = "help"
	KindRoleCard     MessageKind = "role-card"
	KindPhase        MessageKind = "phase"
	KindCheckIn      MessageKind = "check-in"
	KindDigest       MessageKind = "digest"
	KindReminder     MessageKind = "reminder"
	KindActionPrompt MessageKind = "action-prompt"
	KindNudge        MessageKind = "nudge"
	KindFeedback     MessageKind = "feedback"
	KindMentorNudge  MessageKind = "mentor-nudge"
)

// Section is a block of a message: a heading, text and label/value fields.
type Section struct {
	Title  string
	Text   string
	Fields []Field
}

// Field is a label and its value, e.g. "Presenter": "Ana".
type Field struct {
	Label string
	Value string
}

// Button runs Command as the person who pressed it. When Form is set, pressing
// opens the form instead and its submission runs Form.Command.
type Button struct {
	Label   string
	Command string // e.g. "report C-12 done"
	Form    *Form
	Style   ButtonStyle
	SetID   string // the set Command acts on when pressed in a DM; empty = resolve as typed text
}

// ButtonStyle hints at emphasis.
type ButtonStyle string

const (
	StyleDefault ButtonStyle = ""
	StylePrimary ButtonStyle = "primary"
	StyleDanger  ButtonStyle = "danger"
)

// Form asks for input. Submitting it runs Command with the fields' values in
// Request.Action.Values, keyed by FormField.Name.
type Form struct {
	ID      string // stable id, e.g. "commit" or "report"; renderers use it as callback id
	Title   string
	Submit  string // label of the submit button
	Command string // command run on submit, e.g. "report C-12 done"
	Fields  []FormField
	SetID   string // the set Command acts on when submitted in a DM; empty = resolve as typed text
}

// FormField is one input of a form.
type FormField struct {
	Name        string
	Label       string
	Kind        FieldKind
	Required    bool
	Multiline   bool
	MaxLen      int
	Placeholder string
	Value       string   // initial value
	Options     []Option // for FieldChoice
}

// FieldKind is the kind of input.
type FieldKind string

const (
	FieldText   FieldKind = "text"
	FieldDate   FieldKind = "date" // YYYY-MM-DD
	FieldChoice FieldKind = "choice"
)

// Option is one choice of a FieldChoice.
type Option struct {
	Label string
	Value string
}

// File is an attachment: an export, a chart.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// Destination is where a message goes: a set's channel, a person's DM, or an
// ephemeral message to a person in a channel.
type Destination struct {
	Platform  Platform
	ChannelID string // the channel or conversation; empty for a DM
	UserID    string // with ChannelID: only this user sees it; alone: DM to this user
	// ThreadID, with ChannelID, posts as a reply in the thread of that
	// message (MessageRef.ID: Slack thread_ts, Teams the card's activity),
	// so a round's phase notices do not flood the channel.
	ThreadID string `bson:"thread_id,omitempty"`
}

// IsDM reports whether d is a direct message to a user.
func (d Destination) IsDM() bool { return d.ChannelID == "" && d.UserID != "" }

// MessageRef identifies a sent message on its platform.
type MessageRef struct {
	Platform  Platform `bson:"platform,omitempty"`
	ChannelID string   `bson:"channel_id,omitempty"`
	ID        string   `bson:"id,omitempty"` // Slack ts, Teams activity id
}

// Outgoing is a message the core wants sent somewhere other than as the
// reply to the request, e.g. role cards to the channel or a DM to a presenter.
// Key, when set, is an idempotency key (built in keys.go): the message is
// sent at most once.
type Outgoing struct {
	To      Destination
	Message Message
	Key     DeliveryKey
}
