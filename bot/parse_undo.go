package bot

// The argument parsers of the verbs that undo a slip (issue 13, item 2).

func parseCommitmentDrop(p parser, args []token) (any, error) {
	if len(args) == 0 {
		return nil, p.fail("Give the commitment's id (see /als actions), e.g. C-3.")
	}
	id, ok := normalizeShortID(args[0].val)
	if !ok {
		return nil, p.fail("%q is not a commitment id; ids look like C-12 (see /als actions).", clip(args[0].val, 40))
	}
	reason, err := p.text(args[1:])
	if err != nil {
		return nil, err
	}
	return CommitmentDropArgs{ID: id, Reason: reason}, nil
}

func parseCommitmentEdit(p parser, args []token) (any, error) {
	if len(args) < 2 {
		return nil, p.fail("Give the commitment's id (see /als actions), then its new text, or by and its new due date.")
	}
	id, ok := normalizeShortID(args[0].val)
	if !ok {
		return nil, p.fail("%q is not a commitment id; ids look like C-12 (see /als actions).", clip(args[0].val, 40))
	}
	rest := args[1:]
	n, due, err := ReadDue(tokenWords(rest))
	if err != nil {
		return nil, p.fail("%s", err)
	}
	text, err := p.text(rest[:n])
	if err != nil {
		return nil, err
	}
	if text == "" && due.IsZero() {
		return nil, p.fail("Give the commitment's new text, or by and its new due date, after its id.")
	}
	return CommitmentEditArgs{ID: id, Text: text, Due: due}, nil
}

func parseSessionUndo(p parser, args []token) (any, error) {
	if len(args) == 0 || args[0].quoted || args[0].lower() != "start" {
		return nil, p.fail("Write session undo start to undo a session start made by mistake.")
	}
	switch rest := args[1:]; {
	case len(rest) == 0:
		return SessionUndoArgs{}, nil
	case len(rest) == 1 && !rest[0].quoted && rest[0].lower() == "confirm":
		return SessionUndoArgs{Confirm: true}, nil
	}
	return nil, p.fail("session undo start takes nothing after it but confirm.")
}
