//! Memory as the kernel counts it: PSS summed over this process and its descendants
//! (the WebKit web and network processes).

use std::collections::HashMap;

/// PSS in MiB of `root` and every process descended from it.
pub fn tree_pss_mib(root: u32) -> f64 {
    let total_kib: u64 = process_tree(root).iter().map(|(pid, _)| pss_kib(*pid).unwrap_or(0)).sum();
    total_kib as f64 / 1024.0
}

/// `root` and every process descended from it, each with its command name (as in
/// `/proc/PID/stat`: `WebKitWebProces`, `WebKitNetworkPr`...).
pub fn process_tree(root: u32) -> Vec<(u32, String)> {
    let mut children: HashMap<u32, Vec<(u32, String)>> = HashMap::new();
    let mut root_name = None;
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            let Some((ppid, name)) = stat(pid) else { continue };
            if pid == root {
                root_name = Some(name.clone());
            }
            children.entry(ppid).or_default().push((pid, name));
        }
    }
    let mut tree = Vec::new();
    let mut todo = vec![(root, root_name.unwrap_or_default())];
    while let Some((pid, name)) = todo.pop() {
        if let Some(kids) = children.remove(&pid) {
            todo.extend(kids);
        }
        tree.push((pid, name));
    }
    tree
}

/// The parent and command name of a process.
fn stat(pid: u32) -> Option<(u32, String)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // pid (comm) state ppid ...; comm may hold spaces and parentheses.
    let (head, tail) = stat.rsplit_once(") ")?;
    let name = head.split_once(" (")?.1.to_string();
    Some((tail.split_whitespace().nth(1)?.parse().ok()?, name))
}

fn pss_kib(pid: u32) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    rollup.lines().find(|line| line.starts_with("Pss:"))?.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_has_memory() {
        let mib = super::tree_pss_mib(std::process::id());
        assert!(mib > 0.5, "{mib}");
    }

    #[test]
    fn the_tree_holds_this_process_and_its_children() {
        let me = std::process::id();
        let mut child = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        let tree = super::process_tree(me);
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(tree[0].0, me, "{tree:?}");
        assert!(tree.iter().any(|(pid, name)| *pid == child.id() && name == "sleep"), "{tree:?}");
    }
}
