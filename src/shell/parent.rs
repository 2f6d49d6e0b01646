//! Ending with the process that started this one (the automator's launcher).

/// Asks the kernel for SIGTERM when the parent process ends (the shell then shuts down as
/// on any SIGTERM, and its Xvfb with it); if the parent is already gone, sends it now.
pub fn end_with_parent() -> std::io::Result<()> {
    let parent = std::os::unix::process::parent_id();
    #[allow(unsafe_code)]
    // SAFETY: prctl(PR_SET_PDEATHSIG) and raise take plain integers and touch no memory.
    unsafe {
        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // The parent may have died before the prctl: then we were re-parented already.
        if std::os::unix::process::parent_id() != parent || parent == 1 {
            libc::raise(libc::SIGTERM);
        }
    }
    Ok(())
}
