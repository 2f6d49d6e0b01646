//! The processes of this shell as the kernel sees them: the tree under a process (the
//! WebKit web and network processes under the shell), and what each holds in memory.

use std::collections::HashMap;

/// The command name of WebKit's web processes, as `/proc/PID/stat` gives it (cut to 15
/// bytes).
pub const WEB_PROCESS: &str = "WebKitWebProces";

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

/// The web processes under this process, with the resident memory of each in MB.
pub fn web_processes_mb() -> Vec<(u32, u64)> {
    process_tree(std::process::id())
        .into_iter()
        .filter(|(_, name)| name == WEB_PROCESS)
        .filter_map(|(pid, _)| Some((pid, rss_mb(pid)?)))
        .collect()
}

/// The parent and command name of a process.
fn stat(pid: u32) -> Option<(u32, String)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // pid (comm) state ppid ...; comm may hold spaces and parentheses.
    let (head, tail) = stat.rsplit_once(") ")?;
    let name = head.split_once(" (")?.1.to_string();
    Some((tail.split_whitespace().nth(1)?.parse().ok()?, name))
}

/// The resident set of a process in MB (`/proc/PID/statm`: cheap to read every tick).
pub fn rss_mb(pid: u32) -> Option<u64> {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size() / (1024 * 1024))
}

/// PSS of a process in KiB (`/proc/PID/smaps_rollup`: shared pages split between their
/// users, the fair figure for a sum).
pub fn pss_kib(pid: u32) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    rollup.lines().find(|line| line.starts_with("Pss:"))?.split_whitespace().nth(1)?.parse().ok()
}

fn page_size() -> u64 {
    #[allow(unsafe_code)]
    // SAFETY: sysconf reads a constant of the system and has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(size).ok().filter(|size| *size > 0).unwrap_or(4096)
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn this_process_has_a_resident_set() {
        let me = std::process::id();
        assert!(super::rss_mb(me).is_some_and(|mb| mb >= 1), "{:?}", super::rss_mb(me));
        assert!(super::pss_kib(me).is_some_and(|kib| kib > 512));
    }
}
