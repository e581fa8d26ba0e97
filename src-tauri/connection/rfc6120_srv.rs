//! Finding the server of a domain (RFC 6120 §3.2.1, XEP-0368): DNS SRV
//! records, ordered by priority and weight (RFC 2782), then the domain
//! itself when there are none.

use std::net::{IpAddr, SocketAddr};

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::TokioResolver;
use rand::Rng;

use super::settings::ConnectionSecurity;

/// Which DNS servers answer SRV queries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum NameServers {
    /// The operating system's configuration.
    #[default]
    System,
    /// These servers only (a company resolver, or a test's).
    Fixed(Vec<SocketAddr>),
}

/// One place to try, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub host: String,
    pub port: u16,
}

impl std::fmt::Display for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// What the lookup found, for the connection test's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub candidates: Vec<Candidate>,
    /// The candidates came from SRV records (not the fallback).
    pub from_srv: bool,
}

/// An SRV record as RFC 2782 orders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvRecord {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: String,
}

fn resolver(servers: &NameServers) -> Option<TokioResolver> {
    let builder = match servers {
        NameServers::System => TokioResolver::builder_tokio().ok()?,
        NameServers::Fixed(addrs) => {
            let configs = addrs
                .iter()
                .map(|a| {
                    let mut udp = ConnectionConfig::udp();
                    udp.port = a.port();
                    let mut tcp = ConnectionConfig::tcp();
                    tcp.port = a.port();
                    NameServerConfig::new(a.ip(), true, vec![udp, tcp])
                })
                .collect();
            TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(configs),
                TokioRuntimeProvider::default(),
            )
        }
    };
    builder.build().ok()
}

/// The places to try for `domain`, best first. Never empty unless the
/// domain's SRV records say it offers no service (target ".").
pub async fn resolve(
    domain: &str,
    security: ConnectionSecurity,
    servers: &NameServers,
) -> Resolution {
    let fallback = Resolution {
        candidates: vec![Candidate {
            host: domain.to_owned(),
            port: security.default_port(),
        }],
        from_srv: false,
    };
    if domain.parse::<IpAddr>().is_ok() || domain == "localhost" {
        return fallback;
    }
    let Some(resolver) = resolver(servers) else {
        log::warn!("no DNS configuration; connecting to {domain} directly");
        return fallback;
    };
    let name = format!("{}.{}.", security.srv_service(), domain);
    let records: Vec<SrvRecord> = match resolver.srv_lookup(name.as_str()).await {
        Ok(lookup) => lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::SRV(srv) => Some(SrvRecord {
                    priority: srv.priority,
                    weight: srv.weight,
                    port: srv.port,
                    target: srv.target.to_ascii(),
                }),
                _ => None,
            })
            .collect(),
        Err(e) => {
            log::info!("no SRV records for {name} ({e}); using the domain");
            Vec::new()
        }
    };
    if records.is_empty() {
        return fallback;
    }
    Resolution {
        candidates: order(records, &mut rand::thread_rng()),
        from_srv: true,
    }
}

/// RFC 2782 order: ascending priority; within a priority, a weighted random
/// pick without replacement (weight 0 records last but still possible).
pub fn order(mut records: Vec<SrvRecord>, rng: &mut impl Rng) -> Vec<Candidate> {
    // A lone "." target: the service is decidedly not available here.
    if records.len() == 1 && records[0].target.trim_end_matches('.').is_empty() {
        return Vec::new();
    }
    records.sort_by_key(|r| r.priority);
    let mut out = Vec::with_capacity(records.len());
    let mut rest = records.as_slice();
    while let Some(first) = rest.first() {
        let same = rest
            .iter()
            .take_while(|r| r.priority == first.priority)
            .count();
        let mut group: Vec<SrvRecord> = rest[..same].to_vec();
        rest = &rest[same..];
        // Zero weights first, as RFC 2782 prescribes, so they get a small chance.
        group.sort_by_key(|r| r.weight != 0);
        while !group.is_empty() {
            let total: u32 = group.iter().map(|r| u32::from(r.weight)).sum();
            let pick = rng.gen_range(0..=total);
            let mut running = 0u32;
            let index = group
                .iter()
                .position(|r| {
                    running += u32::from(r.weight);
                    running >= pick
                })
                .unwrap_or(0);
            let r = group.remove(index);
            out.push(Candidate {
                host: r.target.trim_end_matches('.').to_owned(),
                port: r.port,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rec(priority: u16, weight: u16, target: &str) -> SrvRecord {
        SrvRecord {
            priority,
            weight,
            port: 5222,
            target: target.into(),
        }
    }

    #[test]
    fn lower_priority_always_comes_first() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..50 {
            let got = order(
                vec![rec(20, 100, "c."), rec(10, 0, "b."), rec(5, 1, "a.")],
                &mut rng,
            );
            let hosts: Vec<_> = got.iter().map(|c| c.host.as_str()).collect();
            assert_eq!(hosts, ["a", "b", "c"]);
        }
    }

    #[test]
    fn weight_shares_load_within_a_priority() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let mut heavy_first = 0;
        for _ in 0..1000 {
            let got = order(vec![rec(0, 10, "light."), rec(0, 90, "heavy.")], &mut rng);
            assert_eq!(got.len(), 2);
            if got[0].host == "heavy" {
                heavy_first += 1;
            }
        }
        // About 90 %; never all or nothing.
        assert!((820..=970).contains(&heavy_first), "{heavy_first}");
    }

    #[test]
    fn a_dot_target_means_no_service() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        assert!(order(vec![rec(0, 0, ".")], &mut rng).is_empty());
    }

    #[test]
    fn ipv6_candidates_print_with_brackets() {
        let c = Candidate {
            host: "::1".into(),
            port: 5222,
        };
        assert_eq!(c.to_string(), "[::1]:5222");
    }
}
