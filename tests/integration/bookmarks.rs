//! Bookmarks against real Prosody and ejabberd servers, in both forms a
//! company server may hold them: XEP-0048 in private storage (as Openfire
//! keeps them; the server also has PEP, so Hearth keeps a XEP-0402 copy in
//! step) and XEP-0402 with the server's XEP-0048 compatibility (Prosody's
//! mod_bookmarks; ejabberd has no such compatibility, so there Hearth keeps
//! both). "Another client" is a second session of the same account
//! speaking raw XML.

use crate::support::Options;
use crate::support::{Client, Kind, Server};
use hearth::app::BookmarkInput;
use hearth::features::bookmark::BookmarkView;
use hearth::session::SessionEvent;

async fn bookmarks_shown(
    client: &mut Client,
    pred: impl Fn(&[BookmarkView]) -> bool,
) -> Vec<BookmarkView> {
    client
        .seen_or_wait(|e| match e {
            SessionEvent::Bookmarks(list) if pred(list) => Some(list.clone()),
            _ => None,
        })
        .await
}

async fn autojoined(client: &mut Client, room: &str) -> String {
    client
        .seen_or_wait(|e| match e {
            SessionEvent::RoomJoined(r) if r.room == room => Some(r.nick.clone()),
            _ => None,
        })
        .await
}

async fn other_client(server: &Server) -> Client {
    let mut other = Client::new(server, "alice");
    other.login(server).await;
    // Let this session load (and autojoin) the bookmarks it finds at login
    // first, so what the test writes next is not autojoined by it too.
    other
        .seen_or_wait(|e| matches!(e, SessionEvent::Bookmarks(_)).then_some(()))
        .await;
    other.app.set_console_open(true).await;
    other
}

async fn private_storage_bookmarks_are_read_autojoined_edited_and_kept_in_step(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let room = server.room("team");

    // Another client stores a bookmark the XEP-0048 way, next to a URL.
    let mut other = other_client(&server).await;
    other
        .raw_exchange(
            &format!(
                "<iq xmlns='jabber:client' type='set' id='w1'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>\
                 <conference jid='{room}' name='Team' autojoin='true'><nick>Ali</nick></conference>\
                 <url name='Wiki' url='https://wiki.example'/></storage></query></iq>"
            ),
            "id='w1'",
        )
        .await;
    other.app.logout(false).await.unwrap();

    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    let list = bookmarks_shown(&mut alice, |l| !l.is_empty()).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name.as_deref(), Some("Team"));
    assert!(list[0].autojoin);
    assert_eq!(autojoined(&mut alice, &room).await, "Ali");

    alice
        .app
        .set_bookmark(BookmarkInput {
            jid: room.clone(),
            name: Some("Team room".into()),
            nick: Some("Ali".into()),
            autojoin: false,
            password: None,
        })
        .await
        .unwrap();

    // The other client reads the change back, with its URL bookmark kept,
    // and finds the same entry in XEP-0402 form too.
    let mut other = other_client(&server).await;
    let private = other
        .raw_exchange(
            "<iq xmlns='jabber:client' type='get' id='r1'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query></iq>",
            "id='r1'",
        )
        .await;
    assert!(private.contains("Team room"), "{private}");
    assert!(private.contains("https://wiki.example"), "{private}");
    let pep = other
        .raw_exchange(
            "<iq xmlns='jabber:client' type='get' id='r2'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:bookmarks:1'/></pubsub></iq>",
            "id='r2'",
        )
        .await;
    assert!(pep.contains(&room) && pep.contains("Team room"), "{pep}");
}

async fn pep_bookmarks_are_read_autojoined_and_removed(kind: Kind) {
    let server = Server::start_with(
        &["alice", "bob"],
        Options {
            pep_bookmarks: true,
            ..Options::on(kind)
        },
    );
    let room = server.room("ops");
    let mut other = other_client(&server).await;
    other
        .raw_exchange(
            &format!(
                "<iq xmlns='jabber:client' type='set' id='p1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
                 <publish node='urn:xmpp:bookmarks:1'><item id='{room}'>\
                 <conference xmlns='urn:xmpp:bookmarks:1' name='Ops' autojoin='true'><nick>A</nick>\
                 <extensions><pin xmlns='urn:example:pin'/></extensions></conference></item></publish>\
                 <publish-options><x xmlns='jabber:x:data' type='submit'>\
                 <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>\
                 <field var='pubsub#persist_items'><value>true</value></field>\
                 <field var='pubsub#access_model'><value>whitelist</value></field>\
                 </x></publish-options></pubsub></iq>"
            ),
            "id='p1'",
        )
        .await;
    other.app.logout(false).await.unwrap();

    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    bookmarks_shown(&mut alice, |l| {
        l.iter().any(|b| b.name.as_deref() == Some("Ops"))
    })
    .await;
    assert_eq!(autojoined(&mut alice, &room).await, "A");

    alice
        .app
        .set_bookmark(BookmarkInput {
            jid: room.clone(),
            name: Some("Operations".into()),
            nick: Some("A".into()),
            autojoin: true,
            password: None,
        })
        .await
        .unwrap();
    let mut other = other_client(&server).await;
    let items = other
        .raw_exchange(
            "<iq xmlns='jabber:client' type='get' id='r3'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:bookmarks:1'/></pubsub></iq>",
            "id='r3'",
        )
        .await;
    assert!(items.contains("Operations"), "{items}");
    assert!(
        items.contains("urn:example:pin"),
        "extensions lost: {items}"
    );

    // A bookmark another client adds while Hearth is online arrives as a
    // PEP push (Hearth advertises +notify in its entity capabilities).
    let late = server.room("late");
    other
        .raw_exchange(
            &format!(
                "<iq xmlns='jabber:client' type='set' id='p2'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
                 <publish node='urn:xmpp:bookmarks:1'><item id='{late}'>\
                 <conference xmlns='urn:xmpp:bookmarks:1' name='Late' autojoin='false'/></item></publish>\
                 <publish-options><x xmlns='jabber:x:data' type='submit'>\
                 <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>\
                 <field var='pubsub#persist_items'><value>true</value></field>\
                 <field var='pubsub#access_model'><value>whitelist</value></field>\
                 </x></publish-options></pubsub></iq>"
            ),
            "id='p2'",
        )
        .await;
    bookmarks_shown(&mut alice, |l| l.iter().any(|b| b.jid == late)).await;

    // The same push from anyone else is not believed.
    let mut mallory = Client::new(&server, "bob");
    mallory.login(&server).await;
    // Raw XML goes out only while the XML console is open.
    mallory.app.set_console_open(true).await;
    mallory
        .app
        .send_raw(
            "<message xmlns='jabber:client' to='alice@localhost'><event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='urn:xmpp:bookmarks:1'><item id='trap@conference.localhost'>\
             <conference xmlns='urn:xmpp:bookmarks:1' name='Trap' autojoin='true'/></item></items></event></message>",
        )
        .await
        .unwrap();
    alice.handled_from(&mallory).await;
    assert!(!alice
        .app
        .bookmarks()
        .await
        .iter()
        .any(|b| b.jid.starts_with("trap@")));
    assert!(alice
        .app
        .rooms()
        .await
        .iter()
        .all(|r| !r.room.starts_with("trap@")));

    alice.app.remove_bookmark(&room).await.unwrap();
    assert!(!alice.app.bookmarks().await.iter().any(|b| b.jid == room));
    let items = other
        .raw_exchange(
            "<iq xmlns='jabber:client' type='get' id='r4'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:bookmarks:1'/></pubsub></iq>",
            "id='r4'",
        )
        .await;
    assert!(!items.contains(&room), "{items}");
}

/// The raw XML to read one store, and whether its answer holds `needle`.
async fn stored(other: &mut Client, id: &str, pep: bool, needle: &str) -> bool {
    let query = if pep {
        "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:bookmarks:1'/></pubsub>"
    } else {
        "<query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query>"
    };
    let answer = other
        .raw_exchange(
            &format!("<iq xmlns='jabber:client' type='get' id='{id}'>{query}</iq>"),
            &format!("id='{id}'"),
        )
        .await;
    assert!(answer.contains("type='result'"), "{answer}");
    answer.contains(needle)
}

/// What a user does with bookmarks, start to end, on a server with PEP but
/// without XEP-0048 compatibility (ejabberd's publish-options refuse
/// `pubsub#max_items`): every step succeeds without a false error, both
/// stores hold the result, and a second login autojoins without
/// publishing anything again.
async fn add_relogin_edit_and_remove_without_false_errors(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let room = server.room("standup");
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    bookmarks_shown(&mut alice, |_| true).await;

    let add = |name: &str, autojoin: bool| BookmarkInput {
        jid: room.clone(),
        name: Some(name.into()),
        nick: Some("Al".into()),
        autojoin,
        password: None,
    };
    // Two at once: on ejabberd both wait while Hearth configures the node
    // (it would otherwise keep one item, each replacing the last).
    let retro = BookmarkInput {
        jid: server.room("retro"),
        name: Some("Retro".into()),
        nick: None,
        autojoin: false,
        password: None,
    };
    let (first, second) = tokio::join!(
        alice.app.set_bookmark(add("Stand-up", true)),
        alice.app.set_bookmark(retro)
    );
    first.unwrap();
    second.unwrap();
    let mut other = other_client(&server).await;
    for (id, pep) in [("a1", false), ("a2", true)] {
        assert!(stored(&mut other, id, pep, "Stand-up").await);
        assert!(stored(&mut other, &format!("{id}b"), pep, "Retro").await);
    }

    // Logging in again autojoins, and writes nothing: both stores agree.
    alice.app.logout(false).await.unwrap();
    alice.app.set_console_open(true).await;
    alice.login(&server).await;
    alice
        .wait_event(|e| match e {
            SessionEvent::RoomJoined(r) if r.room == room => Some(()),
            _ => None,
        })
        .await;
    // Any write of the bookmarks would have gone out before the join: once
    // the answer to a ping sent now is in the console, so is every line
    // before it.
    alice
        .raw_exchange(
            "<iq xmlns='jabber:client' type='get' id='after-join'><ping xmlns='urn:xmpp:ping'/></iq>",
            "id='after-join'",
        )
        .await;
    let sent: String = alice
        .console_lines(Some(hearth::connection::ConsoleDirection::Out))
        .concat();
    assert!(sent.contains("storage:bookmarks"), "no fetch seen: {sent}");
    assert!(!sent.contains("<publish "), "published again: {sent}");
    assert!(
        !sent.contains("jabber:iq:private'><storage xmlns='storage:bookmarks'><conference"),
        "stored again: {sent}"
    );

    // Edited: both stores follow.
    alice.app.set_bookmark(add("Daily", false)).await.unwrap();
    assert!(stored(&mut other, "e1", false, "Daily").await);
    assert!(stored(&mut other, "e2", true, "Daily").await);

    // Another client renames it in XEP-0402: Hearth is told at once.
    other
        .raw_exchange(
            &format!(
                "<iq xmlns='jabber:client' type='set' id='o1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
                 <publish node='urn:xmpp:bookmarks:1'><item id='{room}'>\
                 <conference xmlns='urn:xmpp:bookmarks:1' name='Morning' autojoin='false'><nick>Al</nick></conference></item></publish>\
                 <publish-options><x xmlns='jabber:x:data' type='submit'>\
                 <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>\
                 <field var='pubsub#persist_items'><value>true</value></field>\
                 <field var='pubsub#access_model'><value>whitelist</value></field>\
                 </x></publish-options></pubsub></iq>"
            ),
            "id='o1'",
        )
        .await;
    bookmarks_shown(&mut alice, |l| {
        l.iter().any(|b| b.name.as_deref() == Some("Morning"))
    })
    .await;

    // The XEP-0402 copy disappears behind Hearth's back (no notification);
    // removing the bookmark still succeeds, and both stores lose it.
    other
        .raw_exchange(
            &format!(
                "<iq xmlns='jabber:client' type='set' id='o2'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
                 <retract node='urn:xmpp:bookmarks:1'><item id='{room}'/></retract></pubsub></iq>"
            ),
            "id='o2'",
        )
        .await;
    alice.app.remove_bookmark(&room).await.unwrap();
    assert!(!alice.app.bookmarks().await.iter().any(|b| b.jid == room));
    assert!(!stored(&mut other, "r1", false, &room).await);
    assert!(!stored(&mut other, "r2", true, &room).await);
}

crate::on_both_servers!(
    private_storage_bookmarks_are_read_autojoined_edited_and_kept_in_step,
    pep_bookmarks_are_read_autojoined_and_removed,
    add_relogin_edit_and_remove_without_false_errors,
);
