//! The guard of the machine: when a mini program's web process has to go. Plain data in
//! (the memory of its web processes, when its last ping was sent and answered, whether a
//! synchronous call is holding it), a decision out; the shell samples and carries it out
//! (`src/shell/guard.rs`): it kills the web process and restarts the mini program.
//!
//! A web process is killed when it holds more memory than the limit (resident set, in
//! MB), or when it has not answered a ping for longer than the busy deadline, unless a
//! synchronous call (`sync: true`) is what holds it: that wait is the call's own, bounded
//! by its timeout.

use std::time::{Duration, Instant};

/// The default memory limit of a web process, in MB: a fifth of a 16 GB desktop, far
/// above what any mini program page needs (one page is about 250 MB).
pub const DEFAULT_MEMORY_LIMIT_MB: u64 = 3072;

/// The default busy deadline: a web process that answers no ping for this long is
/// wedged (a `while (true) {}`), not slow.
pub const DEFAULT_BUSY_DEADLINE: Duration = Duration::from_secs(15);

/// How often the shell samples memory and pings.
pub const TICK: Duration = Duration::from_millis(500);

/// Why a web process was ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// It held more memory than the limit.
    Memory {
        /// What it held, in MB.
        mb: u64,
        /// The limit, in MB.
        limit_mb: u64,
    },
    /// It answered no ping for this long.
    Busy {
        /// How long it had not answered.
        for_ms: u64,
    },
    /// WebKit says it crashed (or the kernel killed it).
    Crashed,
}

impl Fault {
    /// The kind, as reports name it: `memory`, `busy`, `crashed`.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::Memory { .. } => "memory",
            Fault::Busy { .. } => "busy",
            Fault::Crashed => "crashed",
        }
    }

    /// One line for a person.
    pub fn describe(&self) -> String {
        match self {
            Fault::Memory { mb, limit_mb } => {
                format!("its web process used {mb} MB, over the limit of {limit_mb} MB")
            }
            Fault::Busy { for_ms } => {
                format!(
                    "its web process was busy for {:.1} s without answering (a script that never ends)",
                    *for_ms as f64 / 1000.0
                )
            }
            Fault::Crashed => "its web process crashed".to_string(),
        }
    }
}

/// What the shell does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Nothing.
    Wait,
    /// Send a ping now.
    Ping,
    /// Kill the web process and restart the mini program.
    Kill(Fault),
}

/// One sample, taken at each tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// The resident memory of the largest of the mini program's web processes, in MB
    /// (`None`: not known, none found).
    pub memory_mb: Option<u64>,
    /// A synchronous call is being answered: the web process waits for the shell.
    pub sync_in_flight: bool,
}

/// The watchdog of one mini program.
#[derive(Debug, Clone)]
pub struct Watchdog {
    memory_limit_mb: u64,
    busy_deadline: Duration,
    /// The ping waiting for its answer: when it was sent, and its number.
    ping: Option<(Instant, u64)>,
    next_ping: u64,
    /// The memory of the last sample, in MB.
    memory_mb: Option<u64>,
}

impl Watchdog {
    /// A watchdog with these limits.
    ///
    /// # Panics
    /// When a limit is zero (a programmer mistake).
    #[track_caller]
    pub fn new(memory_limit_mb: u64, busy_deadline: Duration) -> Watchdog {
        assert!(memory_limit_mb > 0, "the memory limit must be above 0 MB");
        assert!(!busy_deadline.is_zero(), "the busy deadline must be above 0");
        Watchdog { memory_limit_mb, busy_deadline, ping: None, next_ping: 1, memory_mb: None }
    }

    /// The memory limit, in MB.
    pub fn memory_limit_mb(&self) -> u64 {
        self.memory_limit_mb
    }

    /// Decides what to do at `now`.
    pub fn tick(&mut self, now: Instant, sample: Sample) -> Step {
        if sample.memory_mb.is_some() {
            self.memory_mb = sample.memory_mb;
        }
        if let Some(mb) = sample.memory_mb.filter(|mb| *mb > self.memory_limit_mb) {
            return Step::Kill(Fault::Memory { mb, limit_mb: self.memory_limit_mb });
        }
        match self.ping {
            // A synchronous call holds the process: its wait does not count.
            Some(_) if sample.sync_in_flight => {
                self.ping = None;
                Step::Wait
            }
            Some((sent, _)) if now.saturating_duration_since(sent) > self.busy_deadline => {
                let for_ms = now.saturating_duration_since(sent).as_millis() as u64;
                self.ping = None;
                Step::Kill(Fault::Busy { for_ms })
            }
            Some(_) => Step::Wait,
            None if sample.sync_in_flight => Step::Wait,
            None => Step::Ping,
        }
    }

    /// The number of the ping just sent at `now` (its answer names it).
    pub fn pinged(&mut self, now: Instant) -> u64 {
        let number = self.next_ping;
        self.next_ping += 1;
        self.ping = Some((now, number));
        number
    }

    /// Ping `number` was answered; a stale answer (of a ping given up on) changes nothing.
    pub fn answered(&mut self, number: u64) {
        if self.ping.is_some_and(|(_, waiting)| waiting == number) {
            self.ping = None;
        }
    }

    /// The web process was replaced (the mini program restarted): no ping is waiting, and
    /// its memory is measured anew.
    pub fn reset(&mut self) {
        self.ping = None;
        self.memory_mb = None;
    }

    /// The ping waiting for its answer will not be answered (its webview is gone): none
    /// is waiting.
    pub fn reset_ping(&mut self) {
        self.ping = None;
    }

    /// The memory of the last sample, in MB.
    pub fn memory_mb(&self) -> Option<u64> {
        self.memory_mb
    }

    /// How long the ping waiting for its answer has waited, if one is.
    pub fn unanswered_for(&self, now: Instant) -> Option<Duration> {
        self.ping.map(|(sent, _)| now.saturating_duration_since(sent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FINE: Sample = Sample { memory_mb: Some(300), sync_in_flight: false };

    #[test]
    fn a_process_that_answers_is_pinged_again_and_never_killed() {
        let mut dog = Watchdog::new(1000, Duration::from_secs(2));
        let start = Instant::now();
        for step in 0..20 {
            let now = start + Duration::from_millis(500 * step);
            match dog.tick(now, FINE) {
                Step::Ping => {
                    let number = dog.pinged(now);
                    dog.answered(number);
                }
                other => panic!("step {step}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_process_silent_past_the_deadline_is_killed_as_busy() {
        let mut dog = Watchdog::new(1000, Duration::from_secs(2));
        let start = Instant::now();
        assert_eq!(dog.tick(start, FINE), Step::Ping);
        dog.pinged(start);
        assert_eq!(dog.tick(start + Duration::from_secs(1), FINE), Step::Wait);
        assert_eq!(dog.tick(start + Duration::from_secs(2), FINE), Step::Wait);
        assert_eq!(dog.tick(start + Duration::from_millis(2500), FINE), Step::Kill(Fault::Busy { for_ms: 2500 }));
        // Then it starts over (the shell restarted the mini program).
        assert_eq!(dog.tick(start + Duration::from_secs(3), FINE), Step::Ping);
    }

    #[test]
    fn a_late_answer_of_an_older_ping_does_not_count() {
        let mut dog = Watchdog::new(1000, Duration::from_secs(2));
        let start = Instant::now();
        let first = dog.pinged(start);
        dog.reset();
        let second = dog.pinged(start + Duration::from_secs(1));
        dog.answered(first);
        assert_eq!(dog.unanswered_for(start + Duration::from_secs(2)), Some(Duration::from_secs(1)));
        dog.answered(second);
        assert_eq!(dog.unanswered_for(start + Duration::from_secs(2)), None);
    }

    #[test]
    fn a_synchronous_call_holds_the_process_without_it_counting_as_busy() {
        let mut dog = Watchdog::new(1000, Duration::from_secs(2));
        let start = Instant::now();
        dog.pinged(start);
        let held = Sample { sync_in_flight: true, ..FINE };
        for secs in 1..10 {
            assert_eq!(dog.tick(start + Duration::from_secs(secs), held), Step::Wait);
        }
        assert_eq!(dog.tick(start + Duration::from_secs(10), FINE), Step::Ping);
    }

    #[test]
    fn memory_over_the_limit_kills_at_once() {
        let mut dog = Watchdog::new(1000, Duration::from_secs(2));
        let now = Instant::now();
        assert_eq!(dog.tick(now, Sample { memory_mb: Some(1000), ..FINE }), Step::Ping);
        assert_eq!(
            dog.tick(now, Sample { memory_mb: Some(1001), ..FINE }),
            Step::Kill(Fault::Memory { mb: 1001, limit_mb: 1000 })
        );
        assert_eq!(dog.tick(now, Sample { memory_mb: None, ..FINE }), Step::Ping);
    }

    #[test]
    fn the_last_memory_sample_is_kept_until_a_restart() {
        let mut dog = Watchdog::new(10_000, Duration::from_secs(2));
        let start = Instant::now();
        assert_eq!(dog.memory_mb(), None);
        dog.tick(start, Sample { memory_mb: Some(300), ..FINE });
        dog.tick(start, Sample { memory_mb: None, ..FINE });
        assert_eq!(dog.memory_mb(), Some(300));
        dog.reset();
        assert_eq!(dog.memory_mb(), None);
    }

    #[test]
    fn faults_read_as_a_person_says_them() {
        assert_eq!(
            Fault::Memory { mb: 3100, limit_mb: 3072 }.describe(),
            "its web process used 3100 MB, over the limit of 3072 MB"
        );
        assert_eq!(
            Fault::Busy { for_ms: 15_200 }.describe(),
            "its web process was busy for 15.2 s without answering (a script that never ends)"
        );
        assert_eq!(Fault::Crashed.kind(), "crashed");
    }

    #[test]
    #[should_panic(expected = "the memory limit must be above 0 MB")]
    fn a_zero_limit_is_a_programmer_mistake() {
        Watchdog::new(0, Duration::from_secs(1));
    }
}
