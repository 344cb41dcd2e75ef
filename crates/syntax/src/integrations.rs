//! Stage 1, parse: the receiver integrations, declared once. Each entry of [`ALL`] is
//! one integration of Alertmanager — the spec's key and fields (which are secrets, which
//! are templates, which are required), and what Alertmanager and the Prometheus
//! Operator's AlertmanagerConfig call each of them. Everything else reads this table:
//! the spec's reader and JSON Schema, span shifting, the receiver checks (`R002`,
//! `L001`, templates), both configuration writers, the compose stack's secret mounts,
//! `import alertmanager` and the language server. A new integration is one entry here.

use crate::spanned::Spanned;
use forge_spec_base::source::Span;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The title of every notification: the guide's Slack title.
pub const NOTIFICATION_TITLE: &str = "{{ .Status }} - {{ .CommonAnnotations.summary }}";
/// The text of every notification: each alert's description, runbook and dashboard.
pub const NOTIFICATION_TEXT: &str = "{{ range .Alerts }}{{ .Annotations.description }}\n{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}\n{{ end }}{{ if .Annotations.dashboard_url }}Dashboard: {{ .Annotations.dashboard_url }}\n{{ end }}{{ end }}";
/// The default priority of an Opsgenie notification, a Go template over the alert's
/// severity.
pub const OPSGENIE_PRIORITY: &str = "{{ if eq .CommonLabels.severity \"critical\" }}P1{{ else if eq .CommonLabels.severity \"warning\" }}P3{{ else }}P5{{ end }}";
/// The link of a Slack message's title: the first alert's dashboard.
const DASHBOARD_LINK: &str = "{{ (index .Alerts 0).Annotations.dashboard_url }}";

/// What a field of an integration holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Plain text (an address, a host, a URL without credentials).
    Text,
    /// A Go template of Alertmanager's notification data: `invalid-template` and
    /// `template-label-missing` read it.
    Template,
    /// Yes or no.
    Flag,
    /// The path of a file holding a secret: Alertmanager reads the file; an
    /// AlertmanagerConfig names a key of the receivers' Secret instead.
    SecretFile,
    /// A secret written in the spec: refused (`literal-secret`), moved by its fix into
    /// the file `file` names. `import` writes `stem` files for such values.
    LiteralSecret {
        file: &'static str,
        what: &'static str,
        stem: &'static str,
    },
    /// Text that is a secret when it carries a credential (a webhook URL with a token):
    /// `import` then writes it to a `stem` file and the spec uses `file`.
    SecretIfCredential {
        file: &'static str,
        what: &'static str,
        stem: &'static str,
    },
}

/// One field of an integration, as the spec spells it.
#[derive(Debug)]
pub struct Field {
    pub key: &'static str,
    pub kind: FieldKind,
    /// The schema's description.
    pub doc: &'static str,
    /// A closed set of values (the schema's `enum`), or empty.
    pub values: &'static [&'static str],
}

/// What a configuration writer puts under one of its keys.
#[derive(Debug, Clone, Copy)]
pub enum Out {
    /// The spec's field, left out when unset (a secret file: the path, or the Secret key).
    Field(&'static str),
    /// The spec's field, or this text when unset.
    Or(&'static str, &'static str),
    /// The spec's yes/no field, or this value when unset.
    Flag(&'static str, bool),
    /// Always this text.
    Text(&'static str),
    /// One header (`{Subject: …}`; AlertmanagerConfig: `[{key: Subject, value: …}]`).
    Header(&'static str, &'static str),
}

/// Settings the Alertmanager target needs: one of `fields` (a literal secret counts for
/// its file), reported as the first; `note` explains when `unless` is set instead.
#[derive(Debug)]
pub struct Require {
    pub fields: &'static [&'static str],
    pub unless: Option<(&'static str, &'static str)>,
}

/// One integration.
#[derive(Debug)]
pub struct Kind {
    /// The spec's key under a receiver (`slack`).
    pub key: &'static str,
    /// The schema's definition name (`Slack`).
    pub schema: &'static str,
    /// How people call it (`Slack`, `e-mail`).
    pub title: &'static str,
    pub doc: &'static str,
    pub fields: &'static [Field],
    pub requires: &'static [Require],
    /// Alertmanager's list of these (`slack_configs`) and its keys, in order.
    pub alertmanager: (&'static str, &'static [(&'static str, Out)]),
    /// AlertmanagerConfig's list (`slackConfigs`) and its keys, in order.
    pub crd: (&'static str, &'static [(&'static str, Out)]),
}

impl Kind {
    pub fn field(&self, key: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

const fn f(key: &'static str, kind: FieldKind, doc: &'static str) -> Field {
    Field {
        key,
        kind,
        doc,
        values: &[],
    }
}

const SEND_RESOLVED: &str = "send_resolved";

/// Every integration, in the order the writers emit them.
pub static ALL: &[Kind] = &[
    Kind {
        key: "slack",
        schema: "Slack",
        title: "Slack",
        doc: "Send to a Slack channel through an incoming webhook.",
        fields: &[
            f(
                "api_url_file",
                FieldKind::SecretFile,
                "File holding the webhook URL.",
            ),
            f(
                "api_url",
                FieldKind::LiteralSecret {
                    file: "api_url_file",
                    what: "Slack webhook URL",
                    stem: "slack-url",
                },
                "Refused: a literal webhook URL is a secret (use `api_url_file`).",
            ),
            f(
                "channel",
                FieldKind::Template,
                "The channel to post to (`#alerts`); default: the webhook's own.",
            ),
            f(
                "title",
                FieldKind::Template,
                "The message title (a Go template of Alertmanager's notification data).",
            ),
            f(
                "text",
                FieldKind::Template,
                "The message text (a Go template of Alertmanager's notification data).",
            ),
            f(
                SEND_RESOLVED,
                FieldKind::Flag,
                "Also notify when the alerts resolve (default true).",
            ),
        ],
        requires: &[Require {
            fields: &["api_url_file"],
            unless: None,
        }],
        alertmanager: (
            "slack_configs",
            &[
                (SEND_RESOLVED, Out::Flag(SEND_RESOLVED, true)),
                ("api_url_file", Out::Field("api_url_file")),
                ("channel", Out::Field("channel")),
                ("title", Out::Or("title", NOTIFICATION_TITLE)),
                ("title_link", Out::Text(DASHBOARD_LINK)),
                ("text", Out::Or("text", NOTIFICATION_TEXT)),
            ],
        ),
        crd: (
            "slackConfigs",
            &[
                ("apiURL", Out::Field("api_url_file")),
                ("channel", Out::Field("channel")),
                ("title", Out::Or("title", NOTIFICATION_TITLE)),
                ("titleLink", Out::Text(DASHBOARD_LINK)),
                ("text", Out::Or("text", NOTIFICATION_TEXT)),
                ("sendResolved", Out::Flag(SEND_RESOLVED, true)),
            ],
        ),
    },
    Kind {
        key: "pagerduty",
        schema: "PagerDuty",
        title: "PagerDuty",
        doc: "Page through PagerDuty (Events API v2).",
        fields: &[
            f(
                "routing_key_file",
                FieldKind::SecretFile,
                "File holding the Events API v2 routing key.",
            ),
            f(
                "service_key_file",
                FieldKind::SecretFile,
                "File holding the Events API v1 service key.",
            ),
            f(
                "routing_key",
                FieldKind::LiteralSecret {
                    file: "routing_key_file",
                    what: "PagerDuty routing key",
                    stem: "routing-key",
                },
                "Refused: literal secret (use `routing_key_file`).",
            ),
            f(
                "service_key",
                FieldKind::LiteralSecret {
                    file: "service_key_file",
                    what: "PagerDuty service key",
                    stem: "service-key",
                },
                "Refused: literal secret (use `service_key_file`).",
            ),
            f(
                "severity",
                FieldKind::Template,
                "Severity sent to PagerDuty (default: the alert's `severity` label).",
            ),
            f(
                SEND_RESOLVED,
                FieldKind::Flag,
                "Also notify when the alerts resolve, closing the incident (default true).",
            ),
        ],
        requires: &[Require {
            fields: &["routing_key_file", "service_key_file"],
            unless: None,
        }],
        alertmanager: (
            "pagerduty_configs",
            &[
                (SEND_RESOLVED, Out::Flag(SEND_RESOLVED, true)),
                ("routing_key_file", Out::Field("routing_key_file")),
                ("service_key_file", Out::Field("service_key_file")),
                (
                    "severity",
                    Out::Or("severity", "{{ .CommonLabels.severity }}"),
                ),
                ("description", Out::Text(NOTIFICATION_TITLE)),
            ],
        ),
        crd: (
            "pagerdutyConfigs",
            &[
                ("routingKey", Out::Field("routing_key_file")),
                ("serviceKey", Out::Field("service_key_file")),
                (
                    "severity",
                    Out::Or("severity", "{{ .CommonLabels.severity }}"),
                ),
                ("description", Out::Text(NOTIFICATION_TITLE)),
                ("sendResolved", Out::Flag(SEND_RESOLVED, true)),
            ],
        ),
    },
    Kind {
        key: "email",
        schema: "Email",
        title: "e-mail",
        doc: "Send e-mail through an SMTP server.",
        fields: &[
            f(
                "to",
                FieldKind::Template,
                "Recipient address(es), comma-separated.",
            ),
            f("from", FieldKind::Template, "Sender address."),
            f(
                "smarthost",
                FieldKind::Text,
                "The SMTP server, `host:port`.",
            ),
            f(
                "auth_username",
                FieldKind::Text,
                "SMTP user name (not a secret; the password is `auth_password_file`).",
            ),
            f(
                "auth_password_file",
                FieldKind::SecretFile,
                "File holding the SMTP password (never the password itself).",
            ),
            f(
                "auth_password",
                FieldKind::LiteralSecret {
                    file: "auth_password_file",
                    what: "SMTP password",
                    stem: "smtp-password",
                },
                "Refused: literal secret (use `auth_password_file`).",
            ),
            f(
                "require_tls",
                FieldKind::Flag,
                "Require STARTTLS (default true).",
            ),
            f(
                SEND_RESOLVED,
                FieldKind::Flag,
                "Also notify when the alerts resolve (default false).",
            ),
        ],
        requires: &[
            Require {
                fields: &["to"],
                unless: None,
            },
            Require {
                fields: &["from"],
                unless: None,
            },
            Require {
                fields: &["smarthost"],
                unless: None,
            },
        ],
        alertmanager: (
            "email_configs",
            &[
                (SEND_RESOLVED, Out::Flag(SEND_RESOLVED, false)),
                ("to", Out::Field("to")),
                ("from", Out::Field("from")),
                ("smarthost", Out::Field("smarthost")),
                ("auth_username", Out::Field("auth_username")),
                ("auth_password_file", Out::Field("auth_password_file")),
                ("require_tls", Out::Field("require_tls")),
                ("headers", Out::Header("Subject", NOTIFICATION_TITLE)),
            ],
        ),
        crd: (
            "emailConfigs",
            &[
                ("to", Out::Field("to")),
                ("from", Out::Field("from")),
                ("smarthost", Out::Field("smarthost")),
                ("authUsername", Out::Field("auth_username")),
                ("authPassword", Out::Field("auth_password_file")),
                ("requireTLS", Out::Field("require_tls")),
                ("headers", Out::Header("Subject", NOTIFICATION_TITLE)),
                ("sendResolved", Out::Flag(SEND_RESOLVED, false)),
            ],
        ),
    },
    Kind {
        key: "webhook",
        schema: "Webhook",
        title: "webhook",
        doc: "POST the notification as JSON to a URL.",
        fields: &[
            f(
                "url",
                FieldKind::SecretIfCredential {
                    file: "url_file",
                    what: "webhook URL with credentials",
                    stem: "webhook-url",
                },
                "The URL to POST to; when it holds a token, use `url_file` instead.",
            ),
            f(
                "url_file",
                FieldKind::SecretFile,
                "File holding the URL (when it embeds a credential).",
            ),
            f(
                SEND_RESOLVED,
                FieldKind::Flag,
                "Also notify when the alerts resolve (default true).",
            ),
        ],
        requires: &[Require {
            fields: &["url"],
            unless: Some((
                "url_file",
                "`url_file` needs Alertmanager 0.26; the target is 0.25",
            )),
        }],
        alertmanager: (
            "webhook_configs",
            &[
                (SEND_RESOLVED, Out::Flag(SEND_RESOLVED, true)),
                ("url", Out::Field("url")),
            ],
        ),
        crd: (
            "webhookConfigs",
            &[
                ("url", Out::Field("url")),
                ("urlSecret", Out::Field("url_file")),
                ("sendResolved", Out::Flag(SEND_RESOLVED, true)),
            ],
        ),
    },
    Kind {
        key: "opsgenie",
        schema: "Opsgenie",
        title: "Opsgenie",
        doc: "Create alerts in Opsgenie.",
        fields: &[
            f(
                "api_key_file",
                FieldKind::SecretFile,
                "File holding the Opsgenie API key (never the key itself).",
            ),
            f(
                "api_key",
                FieldKind::LiteralSecret {
                    file: "api_key_file",
                    what: "Opsgenie API key",
                    stem: "opsgenie-key",
                },
                "Refused: literal secret (use `api_key_file`).",
            ),
            f(
                "api_url",
                FieldKind::Text,
                "The Opsgenie API (default `https://api.opsgenie.com/`; the EU instance is `https://api.eu.opsgenie.com/`).",
            ),
            Field {
                key: "priority",
                kind: FieldKind::Template,
                doc: "Priority of the Opsgenie alert: P1 (highest) to P5.",
                values: crate::closed::OPSGENIE_PRIORITIES,
            },
            f(
                SEND_RESOLVED,
                FieldKind::Flag,
                "Also notify when the alerts resolve, closing the Opsgenie alert (default true).",
            ),
        ],
        requires: &[Require {
            fields: &["api_key_file"],
            unless: None,
        }],
        alertmanager: (
            "opsgenie_configs",
            &[
                (SEND_RESOLVED, Out::Flag(SEND_RESOLVED, true)),
                ("api_key_file", Out::Field("api_key_file")),
                ("api_url", Out::Field("api_url")),
                ("message", Out::Text(NOTIFICATION_TITLE)),
                ("description", Out::Text(NOTIFICATION_TEXT)),
                ("priority", Out::Or("priority", OPSGENIE_PRIORITY)),
            ],
        ),
        crd: (
            "opsgenieConfigs",
            &[
                ("apiKey", Out::Field("api_key_file")),
                ("apiURL", Out::Field("api_url")),
                ("message", Out::Text(NOTIFICATION_TITLE)),
                ("description", Out::Text(NOTIFICATION_TEXT)),
                ("priority", Out::Or("priority", OPSGENIE_PRIORITY)),
                ("sendResolved", Out::Flag(SEND_RESOLVED, true)),
            ],
        ),
    },
    Kind {
        key: "victorops",
        schema: "VictorOps",
        title: "VictorOps",
        doc: "Create incidents in VictorOps (Splunk On-Call).",
        fields: &[
            f(
                "api_key_file",
                FieldKind::SecretFile,
                "File holding the VictorOps API key (never the key itself).",
            ),
            f(
                "api_key",
                FieldKind::LiteralSecret {
                    file: "api_key_file",
                    what: "VictorOps API key",
                    stem: "victorops-key",
                },
                "Refused: literal secret (use `api_key_file`).",
            ),
            f(
                "routing_key",
                FieldKind::Text,
                "The routing key of the team's escalation (not a secret).",
            ),
            f(
                "api_url",
                FieldKind::Text,
                "The VictorOps API (default `https://alert.victorops.com/integrations/generic/20131114/alert/`).",
            ),
            f(
                "message_type",
                FieldKind::Template,
                "The incident's message type (default `CRITICAL`, `RECOVERY` when resolved).",
            ),
            f(
                "entity_display_name",
                FieldKind::Template,
                "The incident's summary (a Go template of Alertmanager's notification data).",
            ),
            f(
                "state_message",
                FieldKind::Template,
                "The incident's long description (a Go template of the notification data).",
            ),
            f(
                SEND_RESOLVED,
                FieldKind::Flag,
                "Also notify when the alerts resolve, recovering the incident (default true).",
            ),
        ],
        requires: &[
            Require {
                fields: &["api_key_file"],
                unless: None,
            },
            Require {
                fields: &["routing_key"],
                unless: None,
            },
        ],
        alertmanager: (
            "victorops_configs",
            &[
                (SEND_RESOLVED, Out::Flag(SEND_RESOLVED, true)),
                ("api_key_file", Out::Field("api_key_file")),
                ("api_url", Out::Field("api_url")),
                ("routing_key", Out::Field("routing_key")),
                ("message_type", Out::Field("message_type")),
                (
                    "entity_display_name",
                    Out::Or("entity_display_name", NOTIFICATION_TITLE),
                ),
                ("state_message", Out::Or("state_message", NOTIFICATION_TEXT)),
            ],
        ),
        crd: (
            "victoropsConfigs",
            &[
                ("apiKey", Out::Field("api_key_file")),
                ("apiUrl", Out::Field("api_url")),
                ("routingKey", Out::Field("routing_key")),
                ("messageType", Out::Field("message_type")),
                (
                    "entityDisplayName",
                    Out::Or("entity_display_name", NOTIFICATION_TITLE),
                ),
                ("stateMessage", Out::Or("state_message", NOTIFICATION_TEXT)),
                ("sendResolved", Out::Flag(SEND_RESOLVED, true)),
            ],
        ),
    },
];

/// The integration the spec calls `key`.
pub fn kind(key: &str) -> Option<&'static Kind> {
    ALL.iter().find(|k| k.key == key)
}

/// The value of one field as written.
#[derive(Debug, Clone)]
pub enum Value {
    Text(Spanned<String>),
    Flag(Spanned<bool>),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Text(s) => s.span,
            Value::Flag(b) => b.span,
        }
    }
}

/// One field set in the spec.
#[derive(Debug, Clone)]
pub struct Setting {
    pub field: &'static Field,
    /// The span of the field's key.
    pub key: Span,
    pub value: Value,
}

/// One integration of a receiver as written: its kind, the span of its key, its fields
/// in the order written.
#[derive(Debug, Clone)]
pub struct Integration {
    pub kind: &'static Kind,
    pub key: Span,
    pub settings: Vec<Setting>,
}

impl Integration {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.settings
            .iter()
            .find(|s| s.field.key == key)
            .map(|s| &s.value)
    }
    /// A text field's value.
    pub fn text(&self, key: &str) -> Option<&Spanned<String>> {
        match self.get(key)? {
            Value::Text(s) => Some(s),
            Value::Flag(_) => None,
        }
    }
    /// A yes/no field's value.
    pub fn flag(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Flag(b) => Some(b.value),
            Value::Text(_) => None,
        }
    }
    /// Whether `key`, or a literal secret standing for it, is set.
    pub fn has(&self, key: &str) -> bool {
        self.settings.iter().any(|s| {
            s.field.key == key
                || matches!(s.field.kind, FieldKind::LiteralSecret { file, .. } if file == key)
        })
    }
    /// The settings of one kind of field.
    pub fn of_kind(&self, pred: impl Fn(FieldKind) -> bool) -> impl Iterator<Item = &Setting> {
        self.settings.iter().filter(move |s| pred(s.field.kind))
    }
}

/// One receiver: its integrations in the order written (at most one of each kind).
#[derive(Debug, Clone, Default)]
pub struct Receiver {
    pub integrations: Vec<Integration>,
}

impl Receiver {
    /// The integration of kind `key`, if the receiver has one.
    pub fn integration(&self, key: &str) -> Option<&Integration> {
        self.integrations.iter().find(|i| i.kind.key == key)
    }
    /// The integrations in the table's order (the order the writers emit).
    pub fn in_table_order(&self) -> impl Iterator<Item = &Integration> {
        ALL.iter().filter_map(|k| self.integration(k.key))
    }
}

/// serde's own wording, which the reader's diagnostics parse for did-you-mean.
fn unknown<E: de::Error>(key: &str, expected: impl Iterator<Item = &'static str>) -> E {
    let list: Vec<String> = expected.map(|k| format!("`{k}`")).collect();
    E::custom(format!(
        "unknown field `{key}`, expected one of {}",
        list.join(", ")
    ))
}

/// A key that must be one of a closed set, refused while it is read (so that the
/// reader's error points at the key, as serde's derived structs do).
struct Key<'a, T> {
    find: &'a dyn Fn(&str) -> Option<T>,
    expected: &'a dyn Fn() -> Vec<&'static str>,
}

impl<'de, T> de::DeserializeSeed<'de> for Key<'_, T> {
    type Value = (T, Span);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(T, Span), D::Error> {
        let k = Spanned::<String>::deserialize(d)?;
        match (self.find)(&k.value) {
            Some(t) => Ok((t, k.span)),
            None => Err(unknown(&k.value, (self.expected)().into_iter())),
        }
    }
}

struct Body(&'static Kind);

impl<'de> de::DeserializeSeed<'de> for Body {
    type Value = Vec<Setting>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Setting>, D::Error> {
        struct V(&'static Kind);
        impl<'de> Visitor<'de> for V {
            type Value = Vec<Setting>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a mapping of {} settings", self.0.title)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Vec<Setting>, A::Error> {
                let mut out: Vec<Setting> = Vec::new();
                let kind = self.0;
                let find = move |k: &str| kind.field(k);
                let expected = move || kind.fields.iter().map(|f| f.key).collect();
                while let Some((field, key)) = m.next_key_seed(Key {
                    find: &find,
                    expected: &expected,
                })? {
                    if out.iter().any(|s| s.field.key == field.key) {
                        return Err(de::Error::custom(format!(
                            "duplicate field `{}`",
                            field.key
                        )));
                    }
                    let value = match field.kind {
                        FieldKind::Flag => Value::Flag(m.next_value::<Spanned<bool>>()?),
                        _ => Value::Text(m.next_value::<Spanned<String>>()?),
                    };
                    out.push(Setting { field, key, value });
                }
                Ok(out)
            }
            fn visit_unit<E>(self) -> Result<Vec<Setting>, E> {
                Ok(Vec::new())
            }
        }
        d.deserialize_map(V(self.0))
    }
}

impl<'de> Deserialize<'de> for Receiver {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Receiver;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of integrations")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Receiver, A::Error> {
                let mut r = Receiver::default();
                let expected = || ALL.iter().map(|k| k.key).collect();
                while let Some((kind, key)) = m.next_key_seed(Key {
                    find: &kind,
                    expected: &expected,
                })? {
                    if r.integration(kind.key).is_some() {
                        return Err(de::Error::custom(format!("duplicate field `{}`", kind.key)));
                    }
                    let settings = m.next_value_seed(Body(kind))?;
                    r.integrations.push(Integration {
                        kind,
                        key,
                        settings,
                    });
                }
                Ok(r)
            }
        }
        d.deserialize_map(V)
    }
}

impl JsonSchema for Receiver {
    fn schema_name() -> Cow<'static, str> {
        "Receiver".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let mut properties = serde_json::Map::new();
        let defs = g.settings().definitions_path.to_string();
        for k in ALL {
            let mut fields = serde_json::Map::new();
            for f in k.fields {
                let schema = if !f.values.is_empty() {
                    json_schema!({"description": f.doc, "type": "string", "enum": f.values})
                } else if f.kind == FieldKind::Flag {
                    json_schema!({"description": f.doc, "type": ["boolean", "null"]})
                } else {
                    json_schema!({"description": f.doc, "type": ["string", "null"]})
                };
                fields.insert(f.key.into(), schema.into());
            }
            let body = json_schema!({
                "type": "object",
                "properties": fields,
                "additionalProperties": false,
            });
            g.definitions_mut().insert(k.schema.into(), body.into());
            properties.insert(
                k.key.into(),
                json_schema!({
                    "description": k.doc,
                    "anyOf": [{"$ref": format!("#{defs}/{}", k.schema)}, {"type": "null"}],
                })
                .into(),
            );
        }
        json_schema!({
            "description": "One receiver with one or more integrations. Secrets only through `*_file` fields.",
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}
