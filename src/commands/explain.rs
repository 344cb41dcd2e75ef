//! `explain [RULE]`: a rule's documentation, or the list of rules.

use crate::*;

pub(crate) fn explain(rule: Option<&str>) -> ExitCode {
    match rule {
        None => {
            let mut s = String::new();
            // Aligned columns: `Severity`'s Display ignores widths, so pad its text.
            let codes = rules::all_codes();
            let width = codes.iter().map(|c| c.name.len()).max().unwrap_or(0);
            for c in codes {
                s.push_str(&format!(
                    "{}  {:<width$}  {:<7}  {}\n",
                    c.code,
                    c.name,
                    c.severity.as_str(),
                    c.summary()
                ));
            }
            stdout(&s);
            ExitCode::SUCCESS
        }
        Some(key) => match rules::find(key) {
            Some(c) => {
                let mut s = format!("# {} `{}` (default: {})\n\n", c.code, c.name, c.severity);
                for line in c.doc.lines() {
                    s.push_str(line.strip_prefix(' ').unwrap_or(line));
                    s.push('\n');
                }
                stdout(&s);
                ExitCode::SUCCESS
            }
            None => {
                let all = rules::all_codes();
                let hint =
                    forge_spec::diag::did_you_mean(key, all.iter().flat_map(|c| [c.code, c.name]))
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                eprintln!(
                    "error: no rule is called `{key}`{hint}; `forge-spec explain` lists them"
                );
                ExitCode::from(2)
            }
        },
    }
}
