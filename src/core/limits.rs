//! The limits that keep a page from growing the shell without bound. Each has a
//! documented default, is set on [`ShellBuilder`](crate::ShellBuilder), and fails clearly
//! when reached (README, "Security and limits").

/// The limits of one shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest encoded call a page may send, in bytes. Larger calls are refused after
    /// reading only their call id. Default 8 MiB.
    pub max_payload_bytes: usize,
    /// The deepest nesting of arrays and objects in a call. Deeper calls are refused
    /// after one scan of the text, before parsing. Default 100, at most
    /// [`MAX_JSON_DEPTH`].
    pub max_json_depth: usize,
    /// Calls of one page answered neither yet; beyond it a call fails at once. Default
    /// 20,000.
    pub max_calls_in_flight: usize,
    /// Progress states one call may send; later ones are dropped (`send_state` returns
    /// false) and logged once. Default 10,000.
    pub max_states_per_call: u32,
    /// Host events held for a page whose bridge is not listening yet (its document is
    /// still loading); beyond it the oldest is dropped and logged. Default 1,000.
    pub max_held_events: usize,
}

/// The deepest nesting a call may be allowed (serde_json's own recursion limit is 128).
pub const MAX_JSON_DEPTH: usize = 120;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_payload_bytes: 8 * 1024 * 1024,
            max_json_depth: 100,
            max_calls_in_flight: 20_000,
            max_states_per_call: 10_000,
            max_held_events: 1_000,
        }
    }
}

impl Limits {
    /// Checks the limits make sense; a programmer mistake panics here, at build time.
    #[track_caller]
    pub fn check(&self) {
        assert!(self.max_payload_bytes > 0, "max_payload_bytes must be above 0");
        assert!(
            (1..=MAX_JSON_DEPTH).contains(&self.max_json_depth),
            "max_json_depth must be 1 to {MAX_JSON_DEPTH}, got {}",
            self.max_json_depth
        );
        assert!(self.max_calls_in_flight > 0, "max_calls_in_flight must be above 0");
        assert!(self.max_held_events > 0, "max_held_events must be above 0");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Limits::default().check();
    }

    #[test]
    #[should_panic(expected = "max_json_depth must be 1 to 120, got 500")]
    fn a_depth_beyond_the_parser_is_a_programmer_mistake() {
        Limits { max_json_depth: 500, ..Limits::default() }.check();
    }
}
