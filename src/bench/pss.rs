//! Memory as the kernel counts it: PSS summed over this process and its descendants
//! (the WebKit web and network processes).

pub use crate::shell::processes::process_tree;
use crate::shell::processes::pss_kib;

/// PSS in MiB of `root` and every process descended from it.
pub fn tree_pss_mib(root: u32) -> f64 {
    let total_kib: u64 = process_tree(root).iter().map(|(pid, _)| pss_kib(*pid).unwrap_or(0)).sum();
    total_kib as f64 / 1024.0
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_has_memory() {
        let mib = super::tree_pss_mib(std::process::id());
        assert!(mib > 0.5, "{mib}");
    }
}
