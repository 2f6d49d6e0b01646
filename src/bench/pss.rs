//! Memory as the kernel counts it: PSS summed over this process and its descendants
//! (the WebKit web and network processes).

use std::collections::HashMap;

/// PSS in MiB of `root` and every process descended from it.
pub fn tree_pss_mib(root: u32) -> f64 {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            if let Some(ppid) = parent_of(pid) {
                children.entry(ppid).or_default().push(pid);
            }
        }
    }
    let mut total_kib = 0u64;
    let mut todo = vec![root];
    while let Some(pid) = todo.pop() {
        total_kib += pss_kib(pid).unwrap_or(0);
        if let Some(kids) = children.get(&pid) {
            todo.extend(kids);
        }
    }
    total_kib as f64 / 1024.0
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // pid (comm) state ppid ...; comm may hold spaces and parentheses.
    let after = &stat[stat.rfind(')')? + 2..];
    after.split_whitespace().nth(1)?.parse().ok()
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
}
