//! Alertmanager's matcher syntax (`matchers:`, `source_matchers:`…): one reader for the
//! resolver and the importer.

/// A matcher's parts: its label, operator (`=`, `!=`, `=~`, `!~`) and value.
pub type Parts<'a> = (&'a str, &'static str, String);

/// Reads one matcher as Alertmanager writes it: a label name (bare or double-quoted), `=`,
/// `!=`, `=~` or `!~`, and a value, bare or double-quoted (`\"`, `\\` and `\n` escaped).
pub fn parse(text: &str) -> Result<Parts<'_>, String> {
    let text = text.trim();
    let (label, rest) = match text.strip_prefix('"') {
        Some(quoted) => quoted
            .split_once('"')
            .ok_or("its quoted label name is not closed")?,
        None => text.split_at(
            text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(text.len()),
        ),
    };
    if label.is_empty() {
        return Err("it does not start with a label name".into());
    }
    let rest = rest.trim_start();
    let (op, value) = ["=~", "!~", "!=", "="]
        .iter()
        .find_map(|op| rest.strip_prefix(op).map(|v| (*op, v.trim())))
        .ok_or_else(|| format!("no `=`, `!=`, `=~` or `!~` after `{label}`"))?;
    let Some(quoted) = value.strip_prefix('"') else {
        return Ok((label, op, value.to_string()));
    };
    let body = quoted
        .strip_suffix('"')
        .ok_or("its quoted value is not closed")?;
    let mut v = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => v.push('\n'),
                Some(e @ ('"' | '\\')) => v.push(e),
                _ => return Err("an unknown escape in its value".into()),
            },
            '"' => return Err("a `\"` inside its value is not escaped".into()),
            c => v.push(c),
        }
    }
    Ok((label, op, v))
}
