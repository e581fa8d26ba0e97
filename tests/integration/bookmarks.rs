//! Bookmarks against a real Prosody, in both forms a company server may
//! hold them: XEP-0048 in private storage (as Openfire keeps them; the
//! server also has PEP, so Hearth keeps a XEP-0402 copy in step) and
//! XEP-0402 with the server's XEP-0048 compatibility. "Another client" is a
//! second session of the same account speaking raw XML.

use crate::support::Options;
use crate::support::{Client, Server};
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_storage_bookmarks_are_read_autojoined_edited_and_kept_in_step() {
    let server = Server::start(&["alice"]);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pep_bookmarks_are_read_autojoined_and_removed() {
    let server = Server::start_with(
        &["alice", "bob"],
        Options {
            pep_bookmarks: true,
            ..Options::default()
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
                 <field var='pubsub#max_items'><value>max</value></field>\
                 <field var='pubsub#send_last_published_item'><value>never</value></field>\
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
                 <field var='pubsub#max_items'><value>max</value></field>\
                 <field var='pubsub#send_last_published_item'><value>never</value></field>\
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
    mallory
        .app
        .send_raw(
            "<message xmlns='jabber:client' to='alice@localhost'><event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='urn:xmpp:bookmarks:1'><item id='trap@conference.localhost'>\
             <conference xmlns='urn:xmpp:bookmarks:1' name='Trap' autojoin='true'/></item></items></event></message>",
        )
        .await
        .unwrap();
    alice.events_during(std::time::Duration::from_secs(1)).await;
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
