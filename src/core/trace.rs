//! The `--trace` file: one JSON line per finished call.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;

use serde_json::{json, Value};

use super::bridge::{CallObserver, CallRecord};

/// Writes one JSON line per finished call:
/// `{"time","appId","webViewId","api_name","data","outcome","result"|"errMsg","durationUs","states"}`.
/// Each line is flushed as it is written, so the file is complete however the run ends.
pub struct TraceWriter {
    out: Mutex<BufWriter<File>>,
}

impl TraceWriter {
    /// Creates (or truncates) the trace file.
    pub fn create(path: &Path) -> std::io::Result<TraceWriter> {
        Ok(TraceWriter { out: Mutex::new(BufWriter::new(File::create(path)?)) })
    }

    /// The JSON line for one record.
    pub fn line(record: &CallRecord<'_>) -> Value {
        let mut line = json!({
            "time": humantime::format_rfc3339_micros(record.time).to_string(),
            "appId": record.app_id,
            "webViewId": record.web_view_id,
            "api_name": record.api_name,
            "data": record.data,
            "outcome": if record.ok { "ok" } else { "fail" },
            "durationUs": record.duration.as_micros() as u64,
            "states": record.states,
        });
        if record.ok {
            let mut result = record.res.clone();
            result.remove("errMsg");
            line["result"] = Value::Object(result);
        } else {
            line["errMsg"] = record.res.get("errMsg").cloned().unwrap_or(Value::Null);
        }
        line
    }
}

impl CallObserver for TraceWriter {
    fn finished(&self, record: &CallRecord<'_>) {
        let line = TraceWriter::line(record);
        let mut out = self.out.lock().expect("trace lock");
        let written = serde_json::to_writer(&mut *out, &line)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush());
        if let Err(err) = written {
            tracing::error!(%err, "cannot write the trace file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn writes_one_line_per_call() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("trace.jsonl");
        let writer = TraceWriter::create(&path).unwrap();
        let ok_res = json!({"v": 1, "errMsg": "invokeNativePlugin:ok"});
        let fail_res = json!({"errMsg": "invokeNativePlugin:fail no"});
        for (res, ok) in [(&ok_res, true), (&fail_res, false)] {
            writer.finished(&CallRecord {
                time: UNIX_EPOCH + Duration::from_millis(1_700_000_000_123),
                app_id: "wx1",
                web_view_id: 2,
                api_name: "a",
                data: &json!({"k": 1}),
                res: res.as_object().unwrap(),
                ok,
                duration: Duration::from_micros(1500),
                states: 2,
            });
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"time":"2023-11-14T22:13:20.123000Z","appId":"wx1","webViewId":2,"api_name":"a","data":{"k":1},"outcome":"ok","durationUs":1500,"states":2,"result":{"v":1}}"#,
                "\n",
                r#"{"time":"2023-11-14T22:13:20.123000Z","appId":"wx1","webViewId":2,"api_name":"a","data":{"k":1},"outcome":"fail","durationUs":1500,"states":2,"errMsg":"invokeNativePlugin:fail no"}"#,
                "\n",
            )
        );
    }
}
