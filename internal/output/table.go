package output

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/iostreams"
)

const (
	// columnGap is the blank space between two columns, as in gh and kubectl.
	columnGap = "  "
	// minColumnWidth is the narrowest a column is truncated to; below it a
	// cell no longer hints at its content and the table may overflow instead.
	minColumnWidth = 5
	// minWrapWidth is the narrowest a wrapped column (Column.Wrap) is made.
	minWrapWidth = 20
	// maxWordWidth bounds how wide a column that breaks only between words (Keep and Wrap)
	// grows for its longest word: an e-mail fits, a runaway token is broken.
	maxWordWidth = 48
	ellipsis     = "…"
)

// writeTable renders items as an aligned table with upper-case headers (in the
// person's language) and no box drawing. To fit the terminal it first leaves
// out the optional columns, then wraps the wrapped ones and shrinks the widest
// others with "…"; kept columns (ids, e-mails) are never cut.
func writeTable[T any](ios *iostreams.IOStreams, items []T, cols []Column[T]) error {
	if len(cols) == 0 {
		return errors.New("table output needs at least one column")
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = oneLine(strings.ToUpper(i18n.Label(c.Header)))
	}
	cells := make([][]string, len(items))
	for r, item := range items {
		cells[r] = make([]string, len(cols))
		for i, c := range cols {
			cells[r][i] = oneLine(c.Value(item))
		}
	}

	widths := columnWidths(header, cells)
	cols, header, cells, widths = dropOptional(ios.TerminalWidth(), cols, header, cells, widths)
	// Kept columns take their full width; the others share what is left.
	var free []int
	room := ios.TerminalWidth()
	for i, c := range cols {
		if c.Keep && !c.Wrap {
			room -= widths[i] + len(columnGap)
		} else {
			free = append(free, widths[i])
		}
	}
	fitted := fitWidths(free, room, len(columnGap))
	limits := make([]int, len(cols))
	for i, c := range cols {
		if c.Keep && !c.Wrap {
			limits[i] = widths[i]
		} else {
			limits[i], fitted = fitted[0], fitted[1:]
		}
	}
	fitWrapped(cols, cells, widths, limits, ios.TerminalWidth())
	color := ios.ColorEnabled()

	t := newTable()
	var configs []table.ColumnConfig
	for i, c := range cols {
		if c.Wrap && limits[i] < widths[i] {
			configs = append(configs, table.ColumnConfig{Number: i + 1, WidthMax: limits[i], WidthMaxEnforcer: text.WrapSoft})
		}
	}
	t.SetColumnConfigs(configs)
	cut := func(i int, s string) string {
		if cols[i].Wrap {
			return s
		}
		return text.Snip(s, limits[i], ellipsis)
	}
	hrow := make(table.Row, len(cols))
	for i, h := range header {
		hrow[i] = paint(color, text.Colors{text.Bold}, cut(i, h))
	}
	t.AppendHeader(hrow)
	for r, item := range items {
		row := make(table.Row, len(cols))
		for i, c := range cols {
			cell := cut(i, cells[r][i])
			if color && c.Color != nil {
				cell = paint(true, c.Color(item), cell)
			}
			row[i] = cell
		}
		t.AppendRow(row)
	}
	_, err := fmt.Fprintln(ios.Out, t.Render())
	return err
}

// fitWrapped widens the wrapped columns that fitWidths made too narrow: a column both kept and
// wrapped (Keep and Wrap) breaks only between words, so it is as wide as its longest word (an
// e-mail is never broken); any other wrapped column keeps at least minWrapWidth. What they take
// is given back by the other wrapped columns, down to minWrapWidth; past that, the table
// overflows rather than becoming unreadable.
func fitWrapped[T any](cols []Column[T], cells [][]string, widths, limits []int, total int) {
	for i, c := range cols {
		if !c.Wrap {
			continue
		}
		floor := min(widths[i], minWrapWidth)
		if c.Keep {
			for _, row := range cells {
				for _, word := range strings.Fields(row[i]) {
					floor = max(floor, min(text.StringWidthWithoutEscSequences(word), maxWordWidth))
				}
			}
		}
		limits[i] = max(limits[i], floor)
	}
	used := len(columnGap) * (len(cols) - 1)
	for _, l := range limits {
		used += l
	}
	for i := len(cols) - 1; i >= 0 && used > total; i-- {
		if cols[i].Wrap && !cols[i].Keep && limits[i] > minWrapWidth {
			give := min(used-total, limits[i]-minWrapWidth)
			limits[i] -= give
			used -= give
		}
	}
}

// dropOptional leaves out the optional columns, the rightmost first, while the table is
// wider than room; it returns the columns kept, with their header, cells and widths.
func dropOptional[T any](room int, cols []Column[T], header []string, cells [][]string, widths []int) ([]Column[T], []string, [][]string, []int) {
	total := func() int {
		sum := len(columnGap) * (len(widths) - 1)
		for _, w := range widths {
			sum += w
		}
		return sum
	}
	for total() > room {
		i := len(cols) - 1
		for i >= 0 && !cols[i].Optional {
			i--
		}
		if i < 0 {
			break
		}
		cols = slices.Delete(slices.Clone(cols), i, i+1)
		header = slices.Delete(slices.Clone(header), i, i+1)
		widths = slices.Delete(slices.Clone(widths), i, i+1)
		for r := range cells {
			cells[r] = slices.Delete(cells[r], i, i+1)
		}
	}
	return cols, header, cells, widths
}

// writeVertical shows one item as "Field:  value" lines, wrapping long values
// to the terminal width.
func writeVertical[T any](ios *iostreams.IOStreams, item T, cols []Column[T]) error {
	if len(cols) == 0 {
		return errors.New("table output needs at least one column")
	}
	color := ios.ColorEnabled()
	labels := make([]string, len(cols))
	labelWidth := 0
	for i, c := range cols {
		labels[i] = cardLabel(c.Header)
		labelWidth = max(labelWidth, text.StringWidthWithoutEscSequences(labels[i]))
	}
	t := newTable()
	for i, c := range cols {
		value := multiLine(c.Value(item))
		if color && c.Color != nil {
			value = paint(true, c.Color(item), value)
		}
		t.AppendRow(table.Row{paint(color, text.Colors{text.Bold}, labels[i]), value})
	}
	if room := ios.TerminalWidth() - labelWidth - len(columnGap); room >= minColumnWidth {
		t.SetColumnConfigs([]table.ColumnConfig{{Number: 2, WidthMax: room, WidthMaxEnforcer: text.WrapSoft}})
	}
	_, err := fmt.Fprintln(ios.Out, t.Render())
	return err
}

// cardLabel is the label of a card line in the person's language, with its colon: "Name:",
// or "Nom\u00a0:" in French.
func cardLabel(header string) string {
	l := oneLine(i18n.Label(header))
	if i18n.Current() == i18n.French {
		return l + "\u00a0:"
	}
	return l + ":"
}

// newTable returns a go-pretty table styled like gh and kubectl: no borders,
// no separators, columns set apart by two spaces, nothing added at the end of
// lines.
func newTable() table.Writer {
	style := table.StyleLight
	style.Options = table.OptionsNoBordersAndSeparators
	style.Box.PaddingLeft = ""
	style.Box.PaddingRight = columnGap
	style.Format.Header = text.FormatDefault // headers are upper-cased before measuring
	style.Color = table.ColorOptions{}
	t := table.NewWriter()
	t.SetStyle(style)
	t.SuppressTrailingSpaces()
	return t
}

// columnWidths measures the widest cell of each column, header included.
func columnWidths(header []string, rows [][]string) []int {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = text.StringWidthWithoutEscSequences(h)
	}
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], text.StringWidthWithoutEscSequences(cell))
		}
	}
	return widths
}

// fitWidths returns, for each column, the width its cells may take so that
// the whole table fits in total columns. Only the widest columns shrink: a
// common ceiling is lowered until the table fits, and whatever room the
// ceiling leaves unused goes back to the capped columns, left first.
// Columns never shrink below minColumnWidth, so a very narrow terminal gets
// an overflowing table rather than an unreadable one.
func fitWidths(widths []int, total, gap int) []int {
	limits := append([]int(nil), widths...)
	room := total - gap*(len(widths)-1)
	sum, widest := 0, 0
	for _, w := range widths {
		sum += w
		widest = max(widest, w)
	}
	if sum <= room {
		return limits
	}
	ceiling := widest
	for ceiling > minColumnWidth && cappedSum(widths, ceiling) > room {
		ceiling--
	}
	spare := room - cappedSum(widths, ceiling)
	for i, w := range widths {
		if w > ceiling {
			limits[i] = ceiling
			if spare > 0 {
				limits[i]++
				spare--
			}
		}
	}
	return limits
}

func cappedSum(widths []int, ceiling int) int {
	sum := 0
	for _, w := range widths {
		sum += min(w, ceiling)
	}
	return sum
}

// paint colours s when colour is on. It writes the escape sequences itself
// instead of relying on go-pretty's own detection, so that --no-color and
// NO_COLOR are decided in one place: iostreams.
func paint(enabled bool, colors text.Colors, s string) string {
	if !enabled || len(colors) == 0 || s == "" {
		return s
	}
	return text.Escape(s, colors.EscapeSeq())
}

// oneLine keeps a table cell on one line and renders control characters
// visibly (see Escape), so that data cannot move the cursor, change colours of
// the terminal or reorder the text.
func oneLine(s string) string {
	if !needsEscape(s, false) {
		return s
	}
	return EscapeLine(breaksToSpaces.Replace(s))
}

// multiLine is oneLine for values shown on their own, which keep their line
// breaks.
func multiLine(s string) string {
	if !needsEscape(s, true) {
		return s
	}
	return Escape(strings.NewReplacer("\r\n", "\n", "\r", " ", "\t", " ").Replace(s))
}

var breaksToSpaces = strings.NewReplacer("\r\n", " ", "\n", " ", "\t", " ", "\r", " ")
