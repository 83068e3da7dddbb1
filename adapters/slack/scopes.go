package slack

// The manifest (deployments/slack/manifest.yaml) asks for exactly what these
// tables name; a test keeps them in step, and the end-to-end tests check
// that every Web API method the adapter calls is listed here.

// webAPIScopes maps each Web API method the adapter calls to the bot scope it
// needs ("" for none).
func webAPIScopes() map[string]string {
	return map[string]string{
		"auth.test":             "",
		"apps.connections.open": "", // uses the app-level token (connections:write)
		"chat.postMessage":      "chat:write",
		"chat.postEphemeral":    "chat:write",
		"chat.update":           "chat:write", // a round's live card
		// setup checks the bot is in the channel. In a private channel
		// without groups:read Slack answers missing_scope and setup says
		// nothing more; where the bot is not a member, channel_not_found.
		"conversations.info": "channels:read",
		"conversations.open": "im:write",
		// Files (exports, the stats chart, mydata): slack-go's UploadFileContext
		// calls both, with an upload to the URL in between.
		"files.getUploadURLExternal":   "files:write",
		"files.completeUploadExternal": "files:write",
		"users.info":                   "users:read",
		"views.open":                   "",
		"views.publish":                "",
	}
}

// eventScopes maps each event the adapter handles to the bot scope its
// subscription needs ("" for none).
func eventScopes() map[string]string {
	return map[string]string{
		eventAppMention:    "app_mentions:read",
		eventMessageIM:     "im:history",
		eventAppHomeOpened: "",
	}
}

// slashCommandScope is the scope of the /als command.
const slashCommandScope = "commands"
