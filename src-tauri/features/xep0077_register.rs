//! XEP-0077: In-Band Registration — <https://xmpp.org/extensions/xep-0077.html>.
//! Changing the password of the logged-in account (§3.3).

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;

pub const NS: &str = "jabber:iq:register";

/// The request to change `account`'s password, addressed to its server.
pub fn change_password(id: &str, account: &BareJid, new_password: &str) -> Iq {
    let query = Element::builder("query", NS)
        .append(
            Element::builder("username", NS)
                .append(account.node().map(|n| n.as_str()).unwrap_or_default())
                .build(),
        )
        .append(
            Element::builder("password", NS)
                .append(new_password)
                .build(),
        )
        .build();
    Iq::Set {
        from: None,
        to: Some(Jid::from(account.domain().to_owned())),
        id: id.to_owned(),
        payload: query,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_names_the_user_and_goes_to_the_server() {
        let me: BareJid = "anna@company.com".parse().unwrap();
        let iq = change_password("c1", &me, "n3w");
        assert_eq!(
            iq.to().map(|j| j.to_string()).as_deref(),
            Some("company.com")
        );
        let Iq::Set { payload, .. } = iq else {
            panic!()
        };
        assert_eq!(payload.get_child("username", NS).unwrap().text(), "anna");
        assert_eq!(payload.get_child("password", NS).unwrap().text(), "n3w");
    }
}

pub mod form {
    //! Registration forms (§3.1): the fixed fields of `jabber:iq:register`,
    //! or an XEP-0004 data form when the server sends one (preferred).

    use serde::{Deserialize, Serialize};
    use tokio_xmpp::minidom::rxml::xml_ncname;
    use tokio_xmpp::minidom::Element;
    use ts_rs::TS;

    use super::NS;

    const DATA: &str = "jabber:x:data";

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub enum FieldKind {
        Text,
        Password,
        Boolean,
        /// Shown as a note, not editable.
        Fixed,
        /// Sent back unchanged, not shown.
        Hidden,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
    pub struct RegistrationField {
        pub var: String,
        pub label: Option<String>,
        pub kind: FieldKind,
        pub required: bool,
        pub value: String,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct RegistrationForm {
        pub instructions: Option<String>,
        pub fields: Vec<RegistrationField>,
        /// The fields come from a data form (submitted as one).
        pub data_form: bool,
    }

    /// Read the server's answer to a registration request.
    pub fn parse(query: &Element) -> RegistrationForm {
        if let Some(x) = query.get_child("x", DATA) {
            let fields = x
                .children()
                .filter(|c| c.is("field", DATA))
                .filter_map(|f| {
                    let var = f.attr("var")?.to_owned();
                    let kind = match f.attr("type").unwrap_or("text-single") {
                        "text-private" => FieldKind::Password,
                        "boolean" => FieldKind::Boolean,
                        "fixed" => FieldKind::Fixed,
                        "hidden" => FieldKind::Hidden,
                        _ => FieldKind::Text,
                    };
                    Some(RegistrationField {
                        var,
                        label: f.attr("label").map(str::to_owned),
                        kind,
                        required: f.get_child("required", DATA).is_some(),
                        value: f
                            .get_child("value", DATA)
                            .map(|v| v.text())
                            .unwrap_or_default(),
                    })
                })
                .collect();
            let instructions = x
                .get_child("instructions", DATA)
                .or_else(|| query.get_child("instructions", NS))
                .map(|i| i.text());
            return RegistrationForm {
                instructions,
                fields,
                data_form: true,
            };
        }
        let fields = query
            .children()
            .filter(|c| {
                c.ns() == NS && !matches!(c.name(), "instructions" | "registered" | "remove")
            })
            .map(|c| RegistrationField {
                var: c.name().to_owned(),
                label: None,
                kind: if c.name() == "password" {
                    FieldKind::Password
                } else {
                    FieldKind::Text
                },
                required: true,
                value: c.text(),
            })
            .collect();
        RegistrationForm {
            instructions: query.get_child("instructions", NS).map(|i| i.text()),
            fields,
            data_form: false,
        }
    }

    /// The `<query/>` that submits `values` in the form's own variant.
    pub fn submission(data_form: bool, values: &[(String, String)]) -> Element {
        let mut query = Element::builder("query", NS);
        if data_form {
            let mut x = Element::builder("x", DATA).attr(xml_ncname!("type").to_owned(), "submit");
            for (var, value) in values {
                x = x.append(
                    Element::builder("field", DATA)
                        .attr(xml_ncname!("var").to_owned(), var.as_str())
                        .append(
                            Element::builder("value", DATA)
                                .append(value.as_str())
                                .build(),
                        )
                        .build(),
                );
            }
            query = query.append(x.build());
        } else {
            // Field names became element names: only plain XML names pass.
            let plain = |v: &str| {
                v.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            };
            for (var, value) in values.iter().filter(|(v, _)| plain(v)) {
                query = query.append(
                    Element::builder(var.as_str(), NS)
                        .append(value.as_str())
                        .build(),
                );
            }
        }
        query.build()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn fixed_fields_variant() {
            let q: Element =
                "<query xmlns='jabber:iq:register'><instructions>Choose a name</instructions>\
                <username/><password/><email/></query>"
                    .parse()
                    .unwrap();
            let form = parse(&q);
            assert!(!form.data_form);
            assert_eq!(form.instructions.as_deref(), Some("Choose a name"));
            let vars: Vec<_> = form
                .fields
                .iter()
                .map(|f| (f.var.as_str(), f.kind))
                .collect();
            assert_eq!(
                vars,
                vec![
                    ("username", FieldKind::Text),
                    ("password", FieldKind::Password),
                    ("email", FieldKind::Text)
                ]
            );
            let sub = submission(false, &[("username".into(), "carol".into())]);
            assert_eq!(sub.get_child("username", NS).unwrap().text(), "carol");
        }

        #[test]
        fn data_form_variant_wins_and_keeps_hidden_fields() {
            let q: Element = "<query xmlns='jabber:iq:register'><username/><x xmlns='jabber:x:data' type='form'>\
                <instructions>Fill in</instructions>\
                <field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>\
                <field var='username' type='text-single' label='User'><required/></field>\
                <field var='password' type='text-private'><required/></field></x></query>"
                .parse()
                .unwrap();
            let form = parse(&q);
            assert!(form.data_form);
            assert_eq!(form.fields[0].kind, FieldKind::Hidden);
            assert_eq!(form.fields[0].value, "jabber:iq:register");
            assert!(form.fields[1].required);
            assert_eq!(form.fields[2].kind, FieldKind::Password);
            let sub = submission(true, &[("FORM_TYPE".into(), "jabber:iq:register".into())]);
            let x = sub.get_child("x", DATA).unwrap();
            assert_eq!(x.attr("type"), Some("submit"));
        }
    }
}
