//! Editing the roster against real servers: renaming and regrouping a
//! contact, removing one (the subscriptions end both ways), and adding one
//! with or without letting them see our presence first.

use crate::chat::befriend;
use crate::support::{Client, Kind, Server};
use hearth::features::rfc6121_roster::{RosterItem, Subscription};
use hearth::session::SessionEvent;

/// Wait for a roster, not yet looked at, whose item for `jid` `pred`
/// accepts (`None`: `jid` is not in it). Rosters come in order, so a wait
/// after a change cannot be met by one from before it was waited for.
async fn roster_until(client: &mut Client, jid: &str, pred: impl Fn(Option<&RosterItem>) -> bool) {
    client
        .wait_event(|e| match e {
            SessionEvent::Roster(items) if pred(items.iter().find(|i| i.jid == jid)) => Some(()),
            _ => None,
        })
        .await
}

/// The subscription requests waiting in `client` name `jid`.
async fn asked_by(client: &mut Client, jid: &str) {
    client
        .wait_event(|e| match e {
            SessionEvent::SubscriptionRequests(r) if r.jids.iter().any(|j| j == jid) => Some(()),
            _ => None,
        })
        .await
}

/// Wait until `jid` shows offline and, with `roster`, its roster item says
/// we no longer see it; the two come in either order.
async fn gone(client: &mut Client, jid: &str, roster: bool) {
    let (mut offline, mut unsubscribed) = (false, !roster);
    client
        .wait_event(|e| {
            match e {
                SessionEvent::Presence(list) => {
                    offline |= list.iter().any(|c| c.jid == jid && c.resources.is_empty())
                }
                SessionEvent::Roster(items) => {
                    unsubscribed |= items.iter().any(|i| {
                        i.jid == jid
                            && matches!(i.subscription, Subscription::None | Subscription::From)
                    })
                }
                _ => {}
            }
            (offline && unsubscribed).then_some(())
        })
        .await
}

async fn a_contact_is_renamed_regrouped_and_removed(kind: Kind) {
    let (_server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    befriend(&mut alice, &mut bob).await;

    alice
        .app
        .update_contact(
            "bob@localhost",
            Some("Robert".into()),
            vec!["Sales".into(), "销售".into(), "Sales".into()],
        )
        .await
        .unwrap();
    roster_until(&mut alice, "bob@localhost", |i| {
        i.is_some_and(|i| {
            i.name.as_deref() == Some("Robert")
                && i.groups == ["Sales", "销售"]
                && i.subscription == Subscription::Both
        })
    })
    .await;
    // Out of every group and back to his own name; still both ways.
    alice
        .app
        .update_contact("bob@localhost", None, vec![])
        .await
        .unwrap();
    roster_until(&mut alice, "bob@localhost", |i| {
        i.is_some_and(|i| {
            i.name.is_none() && i.groups.is_empty() && i.subscription == Subscription::Both
        })
    })
    .await;

    alice.app.remove_contact("bob@localhost").await.unwrap();
    roster_until(&mut alice, "bob@localhost", |i| i.is_none()).await;
    // Bob no longer sees alice, nor she him: the server ended both.
    gone(&mut bob, "alice@localhost", true).await;
    let snapshot = alice.app.roster_snapshot().await;
    assert!(snapshot.items.iter().all(|i| i.jid != "bob@localhost"));
    assert!(snapshot.presences.iter().all(|p| p.jid != "bob@localhost"));
}

async fn a_contact_added_without_sharing_asks_before_seeing_us(kind: Kind) {
    let (_server, [mut alice, mut bob, mut carol]) =
        Server::with_online(kind, ["alice", "bob", "carol"]).await;

    // Not shared: bob's wish to see alice comes to alice as a request.
    alice
        .app
        .add_contact("bob@localhost", None, vec![], false)
        .await
        .unwrap();
    asked_by(&mut bob, "alice@localhost").await;
    bob.app
        .answer_subscription("alice@localhost", true)
        .await
        .unwrap();
    alice.wait_presence("bob@localhost", true).await;
    // His request may have come before his presence: one seen counts.
    alice
        .seen_or_wait(|e| match e {
            SessionEvent::SubscriptionRequests(r)
                if r.jids.iter().any(|j| j == "bob@localhost") =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
    // Nothing of alice's presence reached bob before she answered.
    bob.handled_from(&alice).await;
    assert!(
        bob.app
            .roster_snapshot()
            .await
            .presences
            .iter()
            .all(|p| p.jid != "alice@localhost" || p.resources.is_empty()),
        "bob saw alice before she agreed"
    );
    alice
        .app
        .answer_subscription("bob@localhost", true)
        .await
        .unwrap();
    bob.wait_presence("alice@localhost", true).await;

    // Shared: carol's answer brings her wish back, approved without asking.
    alice
        .app
        .add_contact("carol@localhost", None, vec![], true)
        .await
        .unwrap();
    asked_by(&mut carol, "alice@localhost").await;
    carol
        .app
        .answer_subscription("alice@localhost", true)
        .await
        .unwrap();
    carol.wait_presence("alice@localhost", true).await;
    assert!(
        alice
            .app
            .roster_snapshot()
            .await
            .requests
            .jids
            .iter()
            .all(|j| j != "carol@localhost"),
        "carol was pre-approved: no request for alice to answer"
    );
}

/// Alice's request to see bob's presence is out (her roster says so) and
/// reaches bob, who answers it.
async fn bob_answers_alice(alice: &mut Client, bob: &mut Client, accept: bool) {
    roster_until(alice, "bob@localhost", |i| i.is_some_and(|i| i.pending_out)).await;
    asked_by(bob, "alice@localhost").await;
    bob.app
        .answer_subscription("alice@localhost", accept)
        .await
        .unwrap();
}

async fn a_refused_contact_can_be_asked_again(kind: Kind) {
    let (_server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    alice
        .app
        .add_contact("bob@localhost", None, vec![], false)
        .await
        .unwrap();
    bob_answers_alice(&mut alice, &mut bob, false).await;
    roster_until(&mut alice, "bob@localhost", |i| {
        i.is_some_and(|i| i.subscription == Subscription::None && !i.pending_out)
    })
    .await;

    alice.app.ask_presence("bob@localhost", true).await.unwrap();
    bob_answers_alice(&mut alice, &mut bob, true).await;
    alice.wait_presence("bob@localhost", true).await;

    // Stop seeing him: his presence goes, the item stays.
    alice
        .app
        .ask_presence("bob@localhost", false)
        .await
        .unwrap();
    // ejabberd 23.01 sends no roster push for our own unsubscribe (seen in
    // this test): its roster says so at the next login.
    gone(&mut alice, "bob@localhost", kind == Kind::Prosody).await;
    let items = alice.app.roster_snapshot().await.items;
    assert!(items.iter().any(|i| i.jid == "bob@localhost"));
}

/// Wait for a roster in which each of `want`'s contacts has exactly those groups.
async fn wait_groups(client: &mut Client, want: &[(&str, &[&str])]) {
    client
        .wait_event(|e| match e {
            SessionEvent::Roster(items)
                if want.iter().all(|(jid, groups)| {
                    items.iter().any(|i| {
                        i.jid == *jid
                            && i.groups
                                .iter()
                                .map(String::as_str)
                                .eq(groups.iter().copied())
                    })
                }) =>
            {
                Some(())
            }
            _ => None,
        })
        .await
}

async fn a_group_is_renamed_and_dissolved_for_all_its_contacts(kind: Kind) {
    // bob and carol only need to exist.
    let (_server, [mut alice, _bob, _carol]) =
        Server::with_online(kind, ["alice", "bob", "carol"]).await;
    for (jid, groups) in [
        (
            "bob@localhost",
            vec!["Team".to_owned(), "Friends".to_owned()],
        ),
        ("carol@localhost", vec!["Team".to_owned()]),
    ] {
        alice
            .app
            .add_contact(jid, None, groups, false)
            .await
            .unwrap();
    }
    wait_groups(
        &mut alice,
        &[
            ("bob@localhost", &["Friends", "Team"]),
            ("carol@localhost", &["Team"]),
        ],
    )
    .await;

    alice.app.regroup("Team", "  销售部 ").await.unwrap();
    wait_groups(
        &mut alice,
        &[
            ("bob@localhost", &["Friends", "销售部"]),
            ("carol@localhost", &["销售部"]),
        ],
    )
    .await;

    // Dissolved: both stay, without it.
    alice.app.regroup("销售部", "").await.unwrap();
    wait_groups(
        &mut alice,
        &[("bob@localhost", &["Friends"]), ("carol@localhost", &[])],
    )
    .await;
    let items = alice.app.roster_snapshot().await.items;
    assert_eq!(items.len(), 2, "{items:?}");
}

crate::on_both_servers!(
    a_contact_is_renamed_regrouped_and_removed,
    a_contact_added_without_sharing_asks_before_seeing_us,
    a_refused_contact_can_be_asked_again,
    a_group_is_renamed_and_dissolved_for_all_its_contacts,
);
