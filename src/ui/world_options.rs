//! The world the page address asks for: `?nodes=3&cloud=1&cni=canal&seed=7`
//! builds what `servicelab shell --nodes 3 --cloud --cni canal --seed 7` builds natively, so a
//! link (or an end-to-end test) can open a bigger cluster.

use crate::engine::WorldOptions;

/// Reads `nodes`, `cloud` and `seed` from a location's query string
/// (`?a=b&c=d`, the leading `?` optional). Other parameters are ignored, as
/// pages ignore tracking parameters. Only the syntax is checked here; whether
/// the engine can build that world (`nodes` in range) is the engine's call.
pub fn from_query(query: &str) -> Result<WorldOptions, String> {
    let mut options = WorldOptions::default();
    let query = query.strip_prefix('?').unwrap_or(query);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "nodes" => {
                options.nodes = value
                    .parse()
                    .map_err(|_| format!("nodes={value} is not a number of nodes"))?;
            }
            "cloud" => {
                options.cloud = match value {
                    "" | "1" | "true" | "yes" => true,
                    "0" | "false" | "no" => false,
                    _ => return Err(format!("cloud={value} should be 1 or 0")),
                };
            }
            "gateway" => {
                options.gateway = match value {
                    "" | "1" | "true" | "yes" => true,
                    "0" | "false" | "no" => false,
                    _ => return Err(format!("gateway={value} should be 1 or 0")),
                };
            }
            "cni" => {
                options.cni = crate::engine::world::Cni::parse(value)
                    .ok_or_else(|| format!("cni={value} should be flannel or canal"))?;
            }
            "seed" => {
                options.seed = value
                    .parse()
                    .map_err(|_| format!("seed={value} is not a number"))?;
            }
            _ => {}
        }
    }
    Ok(options)
}
