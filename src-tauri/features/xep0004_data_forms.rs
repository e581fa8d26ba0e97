//! XEP-0004: Data Forms — <https://xmpp.org/extensions/xep-0004.html>.
//! Read any form a server sends (room configuration, search, …) into a
//! shape the UI renders generically, and build the submission from the
//! values the user chose. Unknown field types are shown as text.

use serde::{Deserialize, Serialize};
use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use ts_rs::TS;

pub const NS: &str = "jabber:x:data";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum FormFieldKind {
    TextSingle,
    TextPrivate,
    TextMulti,
    Boolean,
    ListSingle,
    ListMulti,
    JidSingle,
    JidMulti,
    Fixed,
    Hidden,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FormOption {
    pub label: Option<String>,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FormField {
    /// Absent only for `fixed` fields.
    pub var: Option<String>,
    pub kind: FormFieldKind,
    pub label: Option<String>,
    pub desc: Option<String>,
    pub required: bool,
    pub values: Vec<String>,
    pub options: Vec<FormOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DataForm {
    pub title: Option<String>,
    pub instructions: Option<String>,
    pub fields: Vec<FormField>,
}

/// What the user answered for one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FormValue {
    pub var: String,
    pub values: Vec<String>,
}

fn kind(t: Option<&str>) -> FormFieldKind {
    match t {
        Some("text-private") => FormFieldKind::TextPrivate,
        Some("text-multi") => FormFieldKind::TextMulti,
        Some("boolean") => FormFieldKind::Boolean,
        Some("list-single") => FormFieldKind::ListSingle,
        Some("list-multi") => FormFieldKind::ListMulti,
        Some("jid-single") => FormFieldKind::JidSingle,
        Some("jid-multi") => FormFieldKind::JidMulti,
        Some("fixed") => FormFieldKind::Fixed,
        Some("hidden") => FormFieldKind::Hidden,
        _ => FormFieldKind::TextSingle,
    }
}

fn text_of(e: &Element, name: &str) -> Option<String> {
    e.get_child(name, NS).map(Element::text)
}

/// The first `<x xmlns='jabber:x:data'/>` inside `parent`.
pub fn find(parent: &Element) -> Option<DataForm> {
    parent.get_child("x", NS).map(parse)
}

pub fn parse(x: &Element) -> DataForm {
    let fields = x
        .children()
        .filter(|c| c.is("field", NS))
        .map(|f| FormField {
            var: f.attr("var").map(str::to_owned),
            kind: kind(f.attr("type")),
            label: f.attr("label").map(str::to_owned),
            desc: text_of(f, "desc"),
            required: f.get_child("required", NS).is_some(),
            values: f
                .children()
                .filter(|v| v.is("value", NS))
                .map(Element::text)
                .collect(),
            options: f
                .children()
                .filter(|o| o.is("option", NS))
                .filter_map(|o| {
                    Some(FormOption {
                        label: o.attr("label").map(str::to_owned),
                        value: text_of(o, "value")?,
                    })
                })
                .collect(),
        })
        .collect();
    DataForm {
        title: text_of(x, "title"),
        instructions: text_of(x, "instructions"),
        fields,
    }
}

/// A submit form: every hidden field of `form` as it came (FORM_TYPE among
/// them), then the user's values.
pub fn submit(form: Option<&DataForm>, values: &[FormValue]) -> Element {
    let mut x = Element::builder("x", NS).attr(xml_ncname!("type").to_owned(), "submit");
    let field = |var: &str, vals: &[String]| {
        let mut f = Element::builder("field", NS).attr(xml_ncname!("var").to_owned(), var);
        for v in vals {
            f = f.append(Element::builder("value", NS).append(v.as_str()));
        }
        f.build()
    };
    if let Some(form) = form {
        for f in form
            .fields
            .iter()
            .filter(|f| f.kind == FormFieldKind::Hidden)
        {
            if let Some(var) = &f.var {
                if !values.iter().any(|v| &v.var == var) {
                    x = x.append(field(var, &f.values));
                }
            }
        }
    }
    for v in values {
        x = x.append(field(&v.var, &v.values));
    }
    x.build()
}

/// A cancel form (leaving a configuration unchanged).
pub fn cancel() -> Element {
    Element::builder("x", NS)
        .attr(xml_ncname!("type").to_owned(), "cancel")
        .build()
}

/// The value of `var` in a result form (e.g. `muc#roominfo_occupants`).
pub fn value_of(form: &DataForm, var: &str) -> Option<String> {
    form.fields
        .iter()
        .find(|f| f.var.as_deref() == Some(var))
        .and_then(|f| f.values.first().cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_form_round_trips_with_its_hidden_fields() {
        let x: Element = "<x xmlns='jabber:x:data' type='form'>
              <title>Configuration</title>
              <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field>
              <field var='muc#roomconfig_roomname' type='text-single' label='Name'><value>Team</value></field>
              <field var='muc#roomconfig_whois' type='list-single' label='Who sees JIDs'>
                <value>moderators</value>
                <option label='Moderators'><value>moderators</value></option>
                <option label='Anyone'><value>anyone</value></option>
              </field>
              <field var='x-custom' type='something-new'><required/></field>
            </x>"
            .parse()
            .unwrap();
        let form = parse(&x);
        assert_eq!(form.title.as_deref(), Some("Configuration"));
        assert_eq!(form.fields[2].options.len(), 2);
        assert_eq!(form.fields[3].kind, FormFieldKind::TextSingle);
        assert!(form.fields[3].required);
        let out = submit(
            Some(&form),
            &[FormValue {
                var: "muc#roomconfig_roomname".into(),
                values: vec!["New name".into()],
            }],
        );
        let xml = String::from(&out);
        assert!(xml.contains("muc#roomconfig</value>"), "{xml}");
        assert!(xml.contains("New name"), "{xml}");
        assert!(!xml.contains("Team"), "{xml}");
    }
}
