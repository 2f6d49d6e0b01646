// Test prelude, placed before each test page's script: report() sends what the page saw
// to the harness's __report handler; done() reports and exits the mini program.
window.onerror = function (message, source, line) {
  done({ error: 'uncaught: ' + message + ' at line ' + line });
};
window.addEventListener('unhandledrejection', function (event) {
  done({ error: 'unhandled rejection: ' + JSON.stringify(event.reason) });
});
function report(value) {
  return wx.invokeNativePlugin({ api_name: '__report', data: value });
}
function done(value) {
  var exit = function () { wx.exitMiniProgram(); };
  report(value).then(exit, exit);
}
function sleep(ms) {
  return new Promise(function (resolve) { setTimeout(resolve, ms); });
}
// Resolves once test() (which may return a promise) is true, checking every 20 ms; after
// 10 s it resolves anyway, with false, and the test's own asserts judge what it saw.
function until(test) {
  var end = Date.now() + 10000;
  return (function poll() {
    return Promise.resolve(test()).then(function (ok) {
      return ok || Date.now() > end ? !!ok : sleep(20).then(poll);
    });
  })();
}
// Runs an async test body; whatever it returns is reported, a throw is an error.
function test(body) {
  Promise.resolve()
    .then(body)
    .then(done, function (err) { done({ error: 'test threw: ' + (err && err.stack || JSON.stringify(err)) }); });
}
