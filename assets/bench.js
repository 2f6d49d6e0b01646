// superapp bench: the page side of the benchmark, the same for the floor (raw wry) and
// the bridge. window.BENCH (set by the Rust side before this script) holds the plan and
// the transport. Timings that need better than 1 ms are taken on the Rust side, from the
// arrival times of the calls this script makes; this script only times whole batches.
(function () {
  'use strict';
  var plan = window.BENCH;
  var call, callSync;

  if (plan.transport === 'floor') {
    var pending = new Map();
    var next = 1;
    window.__floorReply = function (id, payload) {
      var resolve = pending.get(id);
      pending.delete(id);
      resolve(payload);
    };
    call = function (phase, data) {
      return new Promise(function (resolve) {
        var id = next++;
        pending.set(id, resolve);
        window.ipc.postMessage(JSON.stringify({ id: id, p: phase, d: data }));
      });
    };
  } else {
    call = function (phase, data) {
      return wx.invokeNativePlugin({ api_name: 'bench', data: { p: phase, d: data } });
    };
    callSync = function (phase, data) {
      return wx.invokeNativePlugin({ api_name: 'bench', data: { p: phase, d: data }, sync: true });
    };
  }

  function text(bytes) {
    return new Array(bytes + 1).join('x');
  }

  async function run() {
    var results = { throughput: {} };
    var kib = text(1024);
    for (var i = 0; i < plan.seq; i++) await call('seq', kib);
    for (var s = 0; s < plan.payloadSizes.length; s++) {
      var size = plan.payloadSizes[s];
      var payload = text(size);
      for (var j = 0; j < plan.payloadSamples[s]; j++) {
        var echoed = await call('payload' + size, payload);
        if (plan.transport !== 'floor') echoed = echoed.d;
        if (echoed.length !== size) throw new Error('echo of ' + size + ' bytes came back with ' + echoed.length);
      }
    }
    if (callSync) for (var k = 0; k < plan.sync; k++) callSync('sync', kib);
    for (var t = 0; t < plan.inflight.length; t++) {
      var inflight = plan.inflight[t];
      var rates = [];
      for (var r = 0; r < plan.throughputRounds; r++) {
        var total = Math.max(inflight, plan.throughputCalls);
        var started = performance.now();
        for (var done = 0; done < total; done += inflight) {
          var batch = [];
          for (var b = 0; b < inflight; b++) batch.push(call('tp', kib));
          await Promise.all(batch);
        }
        rates.push(total / ((performance.now() - started) / 1000));
      }
      rates.sort(function (a, b) { return a - b; });
      results.throughput[inflight] = rates[Math.floor(rates.length / 2)];
    }
    await call('done', results);
  }

  // Measures the steady state, not start-up: waits for the page's load, its first frames
  // and the shell's lifecycle hooks to pass before the first timed call.
  function start() {
    setTimeout(function () {
      run().catch(function (err) { call('error', String(err && err.stack || err)); });
    }, plan.settleMs);
  }
  if (document.readyState === 'complete') start();
  else window.addEventListener('load', start);
})();
