//! Output for people (tables, progress bars on a terminal) and for scripts
//! (`--json`: one API object per line).

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::exit::CliError;

/// Where results go, and in which form.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// One JSON object per line.
    pub json: bool,
    /// Stdout is a terminal: progress bars are drawn.
    pub tty: bool,
}

impl Output {
    /// The output for these flags and this process's stdout.
    pub fn new(json: bool) -> Self {
        Output {
            json,
            tty: std::io::stdout().is_terminal(),
        }
    }

    /// Writes one line to stdout; a closed pipe ends the command quietly.
    pub fn line(&self, text: &str) -> Result<(), CliError> {
        let mut out = std::io::stdout().lock();
        match writeln!(out, "{text}").and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(CliError::Closed),
            Err(e) => Err(CliError::Usage(format!("cannot write to stdout: {e}"))),
        }
    }

    /// Writes one API object as a JSON line.
    pub fn json_line(&self, value: &impl Serialize) -> Result<(), CliError> {
        let text = serde_json::to_string(value)
            .map_err(|e| CliError::Usage(format!("cannot encode the result as JSON: {e}")))?;
        self.line(&text)
    }

    /// Prints items: JSON lines, or a table with these columns.
    pub fn items<T: Serialize>(
        &self,
        items: &[T],
        header: &[&str],
        row: impl Fn(&T) -> Vec<String>,
    ) -> Result<(), CliError> {
        if self.json {
            return items.iter().try_for_each(|i| self.json_line(i));
        }
        let rows: Vec<Vec<String>> = items.iter().map(row).collect();
        for line in table(header, &rows) {
            self.line(&line)?;
        }
        Ok(())
    }

    /// A message for people: to stderr, never into `--json` output.
    pub fn note(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    /// A progress bar on stderr, drawn only when stdout is a terminal and not JSON.
    pub fn progress(&self, len: u64, message: &str) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        if !self.tty || self.json {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        let style = ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(message.to_owned());
        bar
    }
}

/// Lines of an aligned table.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let render = |cells: Vec<&str>| {
        let mut line = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  "));
            }
        }
        line.trim_end().to_owned()
    };
    let mut lines = vec![render(header.to_vec())];
    lines.extend(
        rows.iter()
            .map(|r| render(r.iter().map(String::as_str).collect())),
    );
    lines
}

/// An optional value as a cell.
pub fn cell<T: std::fmt::Display>(value: Option<T>) -> String {
    value
        .map(|v| v.to_string())
        .unwrap_or_else(|| "-".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_on_the_widest_cell() {
        let rows = vec![
            vec!["a".to_owned(), "ready".to_owned()],
            vec!["long-id".to_owned(), "-".to_owned()],
        ];
        assert_eq!(
            table(&["ID", "STATUS"], &rows),
            ["ID       STATUS", "a        ready", "long-id  -"]
        );
    }
}
