package shell

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/alsbot/alsbot/bot"
)

// saveFiles writes m's files (an export, a chart, mydata) into dir, created
// if need be, and returns m with each file named by its path so that the
// printed line says where it is. A file of the same name is replaced. With
// no dir, m is returned as it is.
func saveFiles(dir string, m bot.Message) (bot.Message, error) {
	if dir == "" || len(m.Files) == 0 {
		return m, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return m, fmt.Errorf("create files directory: %w", err)
	}
	m.Files = slices.Clone(m.Files)
	for i, f := range m.Files {
		// Only the base name: a file name never chooses the directory.
		name := filepath.Base(filepath.Clean("/" + f.Name))
		if name == "/" || name == "." {
			name = "file"
		}
		path := filepath.Join(dir, name)
		// 0600: exports and mydata hold what members wrote.
		if err := os.WriteFile(path, f.Data, 0o600); err != nil {
			return m, fmt.Errorf("write %s: %w", name, err)
		}
		m.Files[i].Name = path
	}
	return m, nil
}
